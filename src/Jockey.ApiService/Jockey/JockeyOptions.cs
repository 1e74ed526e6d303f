using System.ComponentModel.DataAnnotations;

namespace Jockey.ApiService.Jockey;

/// <summary>How the API reaches the Jockey (LangGraph) server. Section <c>Jockey</c>.</summary>
public sealed class JockeyOptions : IValidatableObject
{
    /// <summary>Service-discovery address of the agent; <c>services__jockey__http__0</c> resolves it.</summary>
    public const string DiscoveryUrl = "http://jockey";

    /// <summary>A real Jockey server; wins over service discovery.</summary>
    public string? Url { get; set; }

    /// <summary>Sent as <c>x-api-key</c> when set (LangGraph Cloud / LangSmith deployments).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Skips <c>POST /assistants/search</c> when set.</summary>
    public string? AssistantId { get; set; }

    /// <summary>Graph to search assistants for; also the assistant id of last resort (LangGraph accepts a graph name).</summary>
    [Required]
    public string GraphId { get; set; } = "jockey";

    /// <summary>Where rendered files and thumbnails are served (<c>GET /{index_id}/{file}</c>); default: the agent itself.</summary>
    public string? FilesUrl { get; set; }

    /// <summary>Index used when a request names none.</summary>
    [Required]
    public string IndexId { get; set; } = "sample";

    /// <summary>LangGraph stream modes requested in the run body; default <c>["updates","events"]</c>.</summary>
    /// <remarks>No initializer: the configuration binder appends to an existing array instead of replacing it.</remarks>
    public string[]? StreamModes { get; set; }

    public string[] EffectiveStreamModes => StreamModes is { Length: > 0 } modes ? modes : ["updates", "events"];

    /// <summary>
    /// After this long without a byte on a run's stream the run's status is asked (LangGraph's JS server sends no
    /// heartbeat): still running, the API waits on; over, it reads the end; no answer, the run fails and is cancelled.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Limit for the short calls (threads, assistants, cancel, listings); the run stream has <see cref="IdleTimeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest a run may take.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "06:00:00")]
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The lease of the replica running an operation lives this long unless that replica renews it (every third of
    /// it). Every replica looks for lapsed leases as often; the first to find one takes the operation over. So a run
    /// whose replica died is taken over about 1⅓ leases later. Long enough to outlast a stalled process, short enough
    /// that a person watching barely notices.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01.5", "00:10:00")]
    public TimeSpan RunLease { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Reflect tokens are sent once this many characters have gathered…</summary>
    [Range(1, 10_000)]
    public int ReflectChunkChars { get; set; } = 160;

    /// <summary>…or this long after the first waiting token, whichever comes first.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan ReflectChunkInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(Url), Url), (nameof(FilesUrl), FilesUrl) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                yield return new ValidationResult($"Jockey:{name} must be an absolute URL such as http://127.0.0.1:8123, not '{value}'.", [name]);
            }
        }
        string[] known = ["values", "updates", "events", "messages", "messages-tuple", "debug", "custom"];
        foreach (var mode in EffectiveStreamModes.Where(mode => !known.Contains(mode)))
        {
            yield return new ValidationResult($"Jockey:StreamModes holds '{mode}'; LangGraph knows {string.Join(", ", known)}.", [nameof(StreamModes)]);
        }
    }

    // Methods, not properties: validation reads every property, and these throw on the very URLs it reports.
    public Uri GetBaseUri() => new(string.IsNullOrWhiteSpace(Url) ? DiscoveryUrl : Url.TrimEnd('/') + "/");

    public Uri GetFilesBaseUri() => string.IsNullOrWhiteSpace(FilesUrl) ? GetBaseUri() : new Uri(FilesUrl.TrimEnd('/') + "/");
}
