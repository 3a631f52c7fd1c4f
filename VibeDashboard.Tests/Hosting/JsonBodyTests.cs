using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hosting;

/// <summary>The command endpoints read their bodies one way: oversized, too deep or undecodable text is a 400 that says so.</summary>
public sealed class JsonBodyTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> BadRequestAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["detail"]!.GetValue<string>();
    }

    [Fact]
    public async Task Oversized_deep_and_undecodable_bodies_are_400s_naming_the_problem_on_every_command_endpoint()
    {
        await using var app = new DashboardAppFactory();
        using var admin = await app.CreateClientAsAsync(DashboardRole.Admin);

        // A name holding half of a surrogate pair cannot be text: refused, not a 500.
        Assert.Equal("name: is not valid text (it holds a lone UTF-16 surrogate)", await BadRequestAsync(admin.PostAsync("/api/tokens", Json("""{"name":"\ud800","role":"viewer"}"""))));
        Assert.Equal("template: must be a template's name", await BadRequestAsync(admin.PostAsync("/api/rollouts", Json("""{"template":"\udfff"}"""))));

        var huge = "{\"name\":\"" + new string('x', 300 * 1024) + "\",\"role\":\"viewer\"}";
        Assert.Equal("the body is larger than 256 KB", await BadRequestAsync(admin.PostAsync("/api/tokens", Json(huge))));
        Assert.Equal("the body is larger than 256 KB", await BadRequestAsync(admin.PostAsync("/api/rollouts", Json(huge))));

        var deep = new string('[', 40) + new string(']', 40);
        Assert.StartsWith("the body is not valid JSON", await BadRequestAsync(admin.PostAsync("/api/rollouts", Json($$"""{"name":{{deep}}}"""))), StringComparison.Ordinal);
        Assert.Equal("the body must be a JSON object", await BadRequestAsync(admin.PostAsync("/api/tokens", Json("[]"))));
    }
}
