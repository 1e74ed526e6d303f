using Jockey.AppHost.Orchestration;

namespace Jockey.AppHost.Testing;

/// <summary>How a test wants the app: replicas, an external Jockey, a subset of resources, extra settings.</summary>
public sealed class TestingOptions
{
    private readonly Dictionary<string, Dictionary<string, string>> _environment = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>API replicas; 1 unless a test needs to see fan-out across replicas.</summary>
    public int ApiReplicas { get; set; } = 1;

    /// <summary>An external Jockey (LangGraph) server that replaces the local agent.</summary>
    public Uri? JockeyUrl { get; set; }

    /// <summary>Print every resource's output on the test's console (off by default; failures include the log tail).</summary>
    public bool WriteLogsToConsole { get; set; }

    /// <summary>Serve the dashboard too, on a free port (<see cref="TestingApp.DashboardUrl"/>); off by default.</summary>
    public bool WithDashboard { get; set; }

    /// <summary>Where the local agent keeps its media library; a fresh temp folder per app unless set.</summary>
    public string? AgentDataPath { get; set; }

    public OrchestratorSettings Settings { get; set; } = new()
    {
        DependencyTimeout = TimeSpan.FromSeconds(90),
        RestartBackoffScale = 0.5,
    };

    internal List<string> OnlyResources { get; } = [];

    internal string? DataDirectory { get; set; }

    /// <summary>Settings of the AppHost itself, as on its command line (e.g. <c>["LocalAgent:Llm:Model"] = "…"</c>).</summary>
    public Dictionary<string, string?> AppHostSettings { get; } = [];

    internal Dictionary<string, string?> Configuration => new(AppHostSettings)
    {
        ["ApiService:Replicas"] = ApiReplicas.ToString(),
        ["Jockey:Url"] = JockeyUrl?.ToString(),
    };

    /// <summary>Starts only these resources and the resources they wait for.</summary>
    public TestingOptions Only(params string[] resources)
    {
        OnlyResources.AddRange(resources);
        return this;
    }

    /// <summary>An environment variable for one resource, e.g. ("apiservice", "Jockey__IdleTimeout", "00:00:02").</summary>
    public TestingOptions Environment(string resource, string name, string value)
    {
        if (!_environment.TryGetValue(resource, out var variables))
        {
            _environment[resource] = variables = [];
        }
        variables[name] = value;
        return this;
    }

    internal IReadOnlyDictionary<string, string>? EnvironmentFor(string resource) =>
        _environment.TryGetValue(resource, out var variables) ? variables : null;
}
