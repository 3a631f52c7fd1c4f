using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hosting;

public sealed class ErrorPageTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_unhandled_exception_in_production_answers_500_with_the_error_page_and_no_exception_details()
    {
        using var production = _app.WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ThrowingEndpoint>());
        });
        using var client = production.CreateClient();
        // Signed in: a path no endpoint answers needs a viewer like every other (the fallback policy).
        var created = await production.Services.GetRequiredService<VibeDashboard.Operations.Commands.ICommandPipeline>().SendAsync(
            new VibeDashboard.Operations.Access.CreateTokenCommand("error-test", VibeDashboard.Operations.Access.DashboardRole.Viewer),
            VibeDashboard.Operations.Commands.Actor.System("tests"));
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", created.Value!.Token);

        using var response = await client.GetAsync(ThrowingEndpoint.Path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", html);
        Assert.Matches("Request id: <code[^>]*>[^<]+</code>", html);
        Assert.DoesNotContain(ThrowingEndpoint.Secret, html);
        Assert.DoesNotContain("InvalidOperationException", html);
        Assert.DoesNotContain("\"type\":\"server\"", html); // static: no circuit that could fail again
    }

    [Fact]
    public async Task The_error_page_renders_on_its_own()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("/error");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Something went wrong", html);
        Assert.Contains("Back to the dashboard", html);
    }

    /// <summary>
    /// A request that fails inside the app's pipeline: appended after the app's own middleware and endpoints (so
    /// within its exception handler), it throws for <see cref="Path"/>, which no endpoint of the app answers.
    /// </summary>
    private sealed class ThrowingEndpoint : IStartupFilter
    {
        public const string Path = "/test-only-boom";
        public const string Secret = "secret-path-/etc/shadow";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate following) =>
                context.Request.Path == Path ? throw new InvalidOperationException(Secret) : following(context));
        };
    }
}
