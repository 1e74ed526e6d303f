using System.ComponentModel.DataAnnotations;

namespace Jockey.ApiService.Library;

/// <summary>Uploads through the API to the agent's library. Section <c>Library</c>.</summary>
public sealed class LibraryOptions
{
    public const string Section = "Library";

    /// <summary>Largest upload the API passes on (the whole multipart body); the agent has its own, LocalAgent:MaxUploadBytes.</summary>
    [Range(1024, 64L * 1024 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;
}
