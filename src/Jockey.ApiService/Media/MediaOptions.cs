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
}
