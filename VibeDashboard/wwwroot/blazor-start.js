// Starts Blazor (a file, not an inline script: the Content-Security-Policy allows scripts from this origin only).
// Straight to the WebSocket: the negotiate request is a round trip before every circuit, and this dashboard has no
// fallback transport to negotiate (1 = HttpTransportType.WebSockets).
Blazor.start({ circuit: { configureSignalR: builder => builder.withUrl("_blazor", { skipNegotiation: true, transport: 1 }) } });

// The page title on a circuit (DocumentTitle.razor): one function rather than Blazor's HeadOutlet root component.
window.vdSetTitle = text => { document.title = text; };

// Resolves after the next frame is painted (Overview: its sparklines start once the cards are on screen). The task
// queued from the frame's animation callback runs after that frame's style, layout and paint.
window.vdAfterPaint = () => new Promise(resolve => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(0);
}));
