// Starts Blazor (a file, not an inline script: the Content-Security-Policy allows scripts from this origin only).
// Straight to the WebSocket: the negotiate request is a round trip before every circuit, and this dashboard has no
// fallback transport to negotiate (1 = HttpTransportType.WebSockets).
Blazor.start({ circuit: { configureSignalR: builder => builder.withUrl("_blazor", { skipNegotiation: true, transport: 1 }) } });
