// Starts Blazor (a file, not an inline script: the Content-Security-Policy allows scripts from this origin only).
// Straight to the WebSocket: the negotiate request is a round trip before every circuit, and this dashboard has no
// fallback transport to negotiate (1 = HttpTransportType.WebSockets).
Blazor.start({ circuit: { configureSignalR: builder => builder.withUrl("_blazor", { skipNegotiation: true, transport: 1 }) } });

// The reconnect dialog's handlers (ReconnectModal.razor.js), imported once the document is parsed rather than as a
// module script in it: DOMContentLoaded, which Blazor's start waits for (it looks for the page's components), also
// waits for every module script, and this one was the seventh file of the document's first round of requests (a
// browser opens six connections per host over HTTP/1.1). Registered after Blazor's own wait, so it runs after it.
document.addEventListener("DOMContentLoaded", () => {
  const module = document.getElementById("components-reconnect-modal")?.dataset.module;
  if (module) {
    import(new URL(module, document.baseURI).href);
  }
}, { once: true });

// The page title on a circuit (DocumentTitle.razor): one function rather than Blazor's HeadOutlet root component.
window.vdSetTitle = text => { document.title = text; };

// Resolves after the next frame is painted (Overview: its sparklines start once the cards are on screen). The task
// queued from the frame's animation callback runs after that frame's style, layout and paint.
window.vdAfterPaint = () => new Promise(resolve => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(0);
}));
