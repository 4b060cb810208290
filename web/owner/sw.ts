// The owner console's service worker (scope /owner/). It exists for notifications: a page can
// show one only through a registration on phones (Android has no `new Notification()`), and a
// click on one must reach the console tab even when that tab is in the background. It caches
// nothing: a console without the edge can take no call, and a stale console would lie.
//
// Plain script, no imports: it is built to a stable URL (owner/sw.js, vite.config.ts).

interface Client { url: string; focus(): Promise<unknown>; postMessage(m: unknown): void }
interface ExtendableEvent { waitUntil(p: Promise<unknown>): void }
interface NotificationEvent extends ExtendableEvent { notification: { close(): void; tag: string; data?: unknown } }
interface WorkerScope {
  registration: { scope: string };
  skipWaiting(): Promise<void>;
  clients: {
    claim(): Promise<void>;
    matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<Client[]>;
    openWindow(url: string): Promise<Client | null>;
  };
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'notificationclick', fn: (e: NotificationEvent) => void): void;
}

const sw = self as unknown as WorkerScope;

// A new console version takes over at once: there is no cached state to migrate.
sw.addEventListener('install', (e) => e.waitUntil(sw.skipWaiting()));
sw.addEventListener('activate', (e) => e.waitUntil(sw.clients.claim()));

sw.addEventListener('notificationclick', (e) => {
  e.notification.close();
  e.waitUntil((async () => {
    const tabs = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const tab = tabs.find((c) => c.url.startsWith(sw.registration.scope));
    if (!tab) return sw.clients.openWindow(sw.registration.scope);
    // The tab puts the focus on what the notification was about (the Answer button).
    tab.postMessage({ type: 'notification-click', tag: e.notification.tag });
    return tab.focus();
  })());
});
