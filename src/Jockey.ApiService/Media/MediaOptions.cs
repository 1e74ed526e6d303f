using System.ComponentModel.DataAnnotations;

namespace Jockey.ApiService.Media;

/// <summary>Where rendered videos are kept and how long their links work. Section <c>Media</c>.</summary>
public sealed class MediaOptions
{
    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Media:Container must be a valid blob container name (3-63 lower-case letters, digits, single hyphens).")]
    public string Container { get; set; } = "media";

    /// <summary>Lifetime of a read-only SAS URL; <c>/api/media/…</c> hands out fresh ones, so short is fine.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan SasExpiry { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Signs the agent-file URLs (<c>/api/jockey/files/…</c>); the same on every replica. Unset: a key is generated once
    /// per deployment and kept in Redis. Set it to rotate (every signed URL handed out so far stops working).
    /// </summary>
    [MinLength(32, ErrorMessage = "Media:UrlSigningKey must be at least 32 characters (or unset, to keep a generated one in Redis).")]
    public string? UrlSigningKey { get; set; }
}
