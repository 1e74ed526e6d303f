namespace Jockey.Testing;

/// <summary>How a test wants the app: replicas, an external Jockey, a subset of resources, extra settings.</summary>
public sealed class TestingOptions
{
    private readonly Dictionary<string, Dictionary<string, string>> _environment = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>API replicas; 1 unless a test needs to see fan-out across replicas.</summary>
    public int ApiReplicas { get; set; } = 1;

    /// <summary>An external Jockey (LangGraph) server that replaces the local agent.</summary>
    public Uri? JockeyUrl { get; set; }

    /// <summary>Where the local agent keeps its media library; a fresh temp folder per app unless set.</summary>
    public string? AgentDataPath { get; set; }

    /// <summary>Settings of the AppHost itself, as on its command line (e.g. <c>["LocalAgent:Llm:Model"] = "…"</c>).</summary>
    public Dictionary<string, string> AppHostSettings { get; } = [];

    internal List<string> OnlyResources { get; } = [];

    /// <summary>Starts only these resources and the resources they reference or wait for.</summary>
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

    internal IReadOnlyDictionary<string, Dictionary<string, string>> EnvironmentByResource => _environment;

    /// <summary>
    /// Whether a data path made for this app starts with the sample index an earlier test agent made
    /// (<see cref="SampleIndexSeed"/>). The benchmarks that time an agent's first start turn it off.
    /// </summary>
    public bool SeedSampleIndex { get; set; } = true;

    /// <summary>
    /// Whether DCP is handed a certificate made once per process rather than making its own at every start
    /// (<see cref="SharedDcpCertificate"/>). The cold-start benchmark turns it off, to time a start as a developer sees it.
    /// </summary>
    public bool ShareDcpCertificate { get; set; } = true;

    /// <summary>Whether the local agent makes its sample index (it does unless a test turns that off).</summary>
    internal bool GeneratesSampleIndex =>
        !(_environment.TryGetValue("jockey", out var agent) && agent.TryGetValue("LocalAgent__GenerateSampleIndex", out var value)
          && string.Equals(value, "false", StringComparison.OrdinalIgnoreCase));

    /// <summary>The AppHost's command line: its own settings, and nothing kept on disk.</summary>
    internal string[] Arguments() =>
    [
        $"--ApiService:Replicas={ApiReplicas}",
        "--AppHost:DataDirectory=",
        .. JockeyUrl is null ? Array.Empty<string>() : [$"--Jockey:Url={JockeyUrl}"],
        .. AppHostSettings.Select(s => $"--{s.Key}={s.Value}"),
    ];
}
