using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VibeDashboard.Tests.Operations.Notifications;

/// <summary>
/// A real HTTP receiver (Kestrel on 127.0.0.1, a free port) that records every POST to <c>/{name}</c> — headers and
/// exact body bytes — and answers the statuses queued for that name, then 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _answers = new();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>An answer that never comes (the request hangs until the client gives up).</summary>
    public const int Hang = -1;

    /// <summary>Answers 500 announcing a 100 MB body, then sends one byte a second (a receiver that traps its callers).</summary>
    public const int Trickle = -2;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToArray();

    public IReadOnlyList<ReceivedRequest> For(string name) => _requests.Where(r => r.Name == name).ToList();

    public string UrlFor(string name) => $"{BaseUrl}/{name}";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{name}", async (HttpContext context, string name) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var status = receiver._answers.TryGetValue(name, out var queue) && queue.TryDequeue(out var next) ? next : 200;
            if (status == Hang)
            {
                // Never answers in time: the sender's timeout ends the request.
                receiver._requests.Enqueue(new ReceivedRequest(name, buffer.ToArray(), new Dictionary<string, string>(), status));
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { });
                return;
            }

            if (status == Trickle)
            {
                receiver._requests.Enqueue(new ReceivedRequest(name, buffer.ToArray(), new Dictionary<string, string>(), 500));
                context.Response.StatusCode = 500;
                context.Response.ContentLength = 100_000_000;
                try
                {
                    while (!context.RequestAborted.IsCancellationRequested)
                    {
                        await context.Response.Body.WriteAsync("x"u8.ToArray(), context.RequestAborted);
                        await context.Response.Body.FlushAsync(context.RequestAborted);
                        await Task.Delay(TimeSpan.FromSeconds(1), context.RequestAborted);
                    }
                }
                catch (OperationCanceledException)
                {
                    // The sender gave up reading: what this mode is for.
                }

                context.Abort();
                return;
            }

            receiver._requests.Enqueue(new ReceivedRequest(
                name,
                buffer.ToArray(),
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                status));
            context.Response.StatusCode = status;
            if (status is >= 300 and < 400)
            {
                context.Response.Headers.Location = "/elsewhere";
            }

            if (status >= 400)
            {
                await context.Response.WriteAsync($"receiver says {status}");
            }
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>The next requests to <paramref name="name"/> get these statuses, in order; after them, 200.</summary>
    public void Answer(string name, params int[] statuses)
    {
        var queue = _answers.GetOrAdd(name, _ => new ConcurrentQueue<int>());
        foreach (var status in statuses)
        {
            queue.Enqueue(status);
        }
    }

    /// <summary>Every request to <paramref name="name"/> gets this status until <see cref="ClearAnswers"/>.</summary>
    public void AnswerAlways(string name, int status, int count = 1000) => Answer(name, Enumerable.Repeat(status, count).ToArray());

    public void ClearAnswers(string name) => _answers.TryRemove(name, out _);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedRequest(string Name, byte[] Body, IReadOnlyDictionary<string, string> Headers, int AnsweredStatus)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}
