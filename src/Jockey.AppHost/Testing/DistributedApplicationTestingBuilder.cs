using Jockey.AppHost.Hosting;

namespace Jockey.AppHost.Testing;

/// <summary>
/// The role of Aspire.Hosting.Testing: builds the same app model as Program.cs with free ports, no dashboard unless asked for, and
/// nothing persisted, starts it, and hands the test what it needs to talk to it.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    public static async Task<TestingApp> StartAsync(Action<TestingOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new TestingOptions();
        configure?.Invoke(options);

        var scratch = Directory.CreateTempSubdirectory("jockey-test-");
        options.DataDirectory = Path.Combine(scratch.FullName, "apphost");
        if (options.EnvironmentFor("jockey")?.ContainsKey("LocalAgent__DataPath") != true)
        {
            options.Environment("jockey", "LocalAgent__DataPath", options.AgentDataPath ?? Path.Combine(scratch.FullName, "agent"));
        }

        var app = await TestingSession.BuildAppHostAsync(options);
        var testingApp = new TestingApp(app, scratch);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await testingApp.DisposeAsync();
            throw;
        }
        return testingApp;
    }
}
