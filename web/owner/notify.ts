// Reaching the owner when the console is not in front: a system notification for an incoming
// call (through the service worker's registration, web/owner/sw.ts, which also works on phones
// and brings the tab forward on a click), and a count of what they have not seen on the app icon
// and in the title. Permission is asked only from the owner's click on the Enable button.
import { ownerStrings as S } from './strings.ts';

const CALL_TAG = 'homeline-call';
let worker: Promise<ServiceWorkerRegistration | undefined> | undefined;

/** Registers the console's service worker once; undefined where there is none (http on a LAN name). */
export function serviceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  worker ??= ('serviceWorker' in navigator
    ? navigator.serviceWorker.register(new URL('./sw.js', location.href), { scope: './' }).then(() => navigator.serviceWorker.ready)
    : Promise.resolve(undefined)
  ).catch(() => undefined);
  return worker;
}

export const notificationsSupported = () => typeof Notification !== 'undefined';

/** Not in front: another tab, another app, a locked phone. Only then is a notification useful. */
export const inBackground = () => document.visibilityState !== 'visible' || !document.hasFocus();

/** Shows the incoming call; returns the function that takes it away again (answered, ended). */
export async function notifyIncoming(who: string, message: string | undefined): Promise<() => void> {
  if (!notificationsSupported() || Notification.permission !== 'granted' || !inBackground()) return () => {};
  const reg = await serviceWorker();
  if (!reg) return () => {};
  await reg.showNotification(S.notificationTitle, {
    body: message ? `${who}: ${message}` : who,
    tag: CALL_TAG,
    requireInteraction: true,
    icon: new URL('./icon-192.png', location.href).href,
  });
  return () => { void reg.getNotifications({ tag: CALL_TAG }).then((ns) => ns.forEach((n) => n.close())); };
}

/** A message arrived while the console is in the background (the edge's one-line summary). */
export async function notifyMessage(summary: string | undefined): Promise<void> {
  if (!notificationsSupported() || Notification.permission !== 'granted' || !inBackground()) return;
  const reg = await serviceWorker();
  await reg?.showNotification(S.messageNotificationTitle, { body: summary ?? '', tag: 'homeline-message', icon: new URL('./icon-192.png', location.href).href });
}

/** Asks for permission (from a click only); the answer is 'granted', 'denied' or 'default'. */
export async function askPermission(): Promise<NotificationPermission> {
  const answer = await Notification.requestPermission();
  if (answer === 'granted') await serviceWorker();
  return answer;
}

/** The unseen count on the installed app's icon (where supported) and in the title. */
export function showCount(n: number) {
  document.title = S.titleWithCount(n);
  const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
  if (n > 0) void nav.setAppBadge?.(n).catch(() => {});
  else void nav.clearAppBadge?.().catch(() => {});
}

/** A click on a notification: the service worker focused the tab; `fn` puts the focus inside it. */
export function onNotificationClick(fn: () => void) {
  navigator.serviceWorker?.addEventListener('message', (e) => {
    if ((e.data as { type?: string } | undefined)?.type === 'notification-click') fn();
  });
}
