using System.ComponentModel.DataAnnotations;

namespace Jockey.LocalAgent;

/// <summary>Settings under <c>LocalAgent</c>; every one has a default that works on a fresh machine.</summary>
public sealed class LocalAgentOptions
{
    public const string Section = "LocalAgent";

    /// <summary>The media library: <c>indexes/</c> (source videos, scanned), <c>search/</c> (their search index), <c>outputs/</c> (renders), <c>cache/</c> (thumbnails).</summary>
    [Required]
    public string DataPath { get; set; } = DefaultDataPath();

    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    [Range(1, 8)]
    public int RenderConcurrency { get; set; } = 1;

    /// <summary>How long a finished render's preview (HLS playlist and segments) is kept for viewers still switching over.</summary>
    [Range(1, 10_080)]
    public int PreviewRetentionMinutes { get; set; } = 60;

    /// <summary>Threads live in memory; the least recently used idle ones are dropped beyond this many.</summary>
    [Range(1, 100_000)]
    public int MaxThreads { get; set; } = 500;

    public bool GenerateSampleIndex { get; set; } = true;

    /// <summary>How long a run's stream may stay silent before a <c>: heartbeat</c> comment keeps proxies from closing it.</summary>
    [Range(0.05, 300)]
    public double HeartbeatSeconds { get; set; } = 5;

    /// <summary>How often every index folder is rescanned, a safety net for changes the file watcher missed.</summary>
    [Range(1, 86_400)]
    public double RescanSeconds { get; set; } = 60;

    /// <summary>Required in <c>x-api-key</c> on every request but health probes when set (always in Azure); unset in dev.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Host names the agent answers besides loopback ones (e.g. its internal name in Azure); any other is refused.</summary>
    public string[] AllowedHosts { get; set; } = [];

    [Required]
    public string DefaultIndexId { get; set; } = "sample";

    [Required]
    public string FFmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FFprobePath { get; set; } = "ffprobe";

    /// <summary>An OpenAI-compatible chat endpoint for planning and reflecting; the rules are used when unset or failing.</summary>
    public LlmOptions Llm { get; set; } = new();

    public string IndexesPath => Path.Combine(DataPath, "indexes");
    public string OutputsPath => Path.Combine(DataPath, "outputs");
    public string CachePath => Path.Combine(DataPath, "cache");
    public string SearchIndexPath => Path.Combine(DataPath, "search");

    private static string DefaultDataPath()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = string.IsNullOrWhiteSpace(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
            : xdg;
        return Path.Combine(root, "jockey");
    }
}

public sealed class LlmOptions
{
    public string? Endpoint { get; set; }
    public string? Model { get; set; }
    public string? ApiKey { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Model) && !string.IsNullOrWhiteSpace(Endpoint);
}

public static class LocalAgentSetup
{
    /// <summary>Binds and checks LocalAgent settings at start; snake_case JSON as LangGraph speaks it.</summary>
    public static IHostApplicationBuilder AddLocalAgentOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LocalAgentOptions>().BindConfiguration(LocalAgentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Protocol.Json.Wire.PropertyNamingPolicy;
            o.SerializerOptions.Encoder = Protocol.Json.Wire.Encoder;
        });
        builder.Services.AddProblemDetails();
        return builder;
    }
}
