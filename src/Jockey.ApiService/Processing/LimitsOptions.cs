using System.ComponentModel.DataAnnotations;

namespace Jockey.ApiService.Processing;

/// <summary>Input limits and the per-client rate limit on starting runs. Section <c>Limits</c>.</summary>
public sealed class LimitsOptions
{
    [Range(1, 100_000)]
    public int MaxTextLength { get; set; } = 4_000;

    /// <summary>Twelve Labs index ids are 24 hex digits; the local agent uses short names. Anything else is refused.</summary>
    [Required]
    public string IndexIdPattern { get; set; } = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

    /// <summary>Largest request body accepted by any endpoint, in bytes.</summary>
    [Range(1_024, 10_485_760)]
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Runs one client (its user when signed in, else its address) may start per <see cref="ProcessWindow"/>.</summary>
    [Range(1, 100_000)]
    public int ProcessPermits { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ProcessWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Browser origins allowed to call the API cross-origin (the web front end when it is not same-origin).</summary>
    public string[] CorsOrigins { get; set; } = [];
}
