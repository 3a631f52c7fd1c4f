using VibeDashboard.Hosting;

// `import <file>` and `stats` are one-shot commands for cron jobs and scripts; anything else runs the dashboard.
if (DashboardCli.IsCommand(args))
{
    return await DashboardCli.RunAsync(args, Console.Out, Console.Error);
}

if (DashboardCli.IsUnknownCommand(args))
{
    return DashboardCli.UnknownCommand(args, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddVibeDashboard();
var app = builder.Build();
app.MapVibeDashboard();
await app.RunAsync();
return 0;

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
