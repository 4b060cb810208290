// A page on another origin that embeds the button exactly as the README says, to prove the
// snippet works from a site that is not the edge.
import { createServer, type Server } from 'node:http';

export function embeddingPage(edgeUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Someone else's site</title>
<style>body{font-family:serif;background:#eef} homeline-call{--homeline-accent:#7a1fa2}</style>
<script type="module" src="${edgeUrl}/homeline-call.js"></script></head>
<body><h1>Another site</h1><p>Hostile styles must not leak in: <style>button{background:red!important;font-size:40px}</style></p>
<homeline-call target="owner" label="Ring the owner"></homeline-call></body></html>`;
}

export function serveOtherOrigin(port: number, edgeUrl: string): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(embeddingPage(edgeUrl));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
