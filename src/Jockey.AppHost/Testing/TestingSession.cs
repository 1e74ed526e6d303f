using Jockey.AppHost.Hosting;

namespace Jockey.AppHost.Testing;

/// <summary>
/// Lets a test run the AppHost's own Program.cs and take the app it builds, as Aspire.Hosting.Testing does:
/// CreateBuilder applies the test's options, Build hands the app over, RunAsync returns without running.
/// </summary>
internal sealed class TestingSession(TestingOptions options)
{
    private static readonly AsyncLocal<TestingSession?> CurrentSession = new();

    public static TestingSession? Current => CurrentSession.Value;

    public TestingOptions Options { get; } = options;

    public DistributedApplication? App { get; private set; }

    public void Capture(DistributedApplication app) => App = app;

    public static async Task<DistributedApplication> BuildAppHostAsync(TestingOptions options)
    {
        var session = new TestingSession(options);
        CurrentSession.Value = session;
        try
        {
            var entryPoint = typeof(DistributedApplication).Assembly.EntryPoint
                ?? throw new InvalidOperationException("Jockey.AppHost has no entry point.");
            var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [Array.Empty<string>()]);
            if (result is Task task)
            {
                await task;
            }
            return session.App ?? throw new InvalidOperationException("Program.cs of Jockey.AppHost did not call Build().");
        }
        finally
        {
            CurrentSession.Value = null;
        }
    }
}
