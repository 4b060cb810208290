// Vite bundles a stylesheet imported from a module (e.g. web/owner/messages-list.css) into the
// page that uses it; for tsc such an import is a side effect with no exports.
declare module '*.css';
