using Jockey.LocalAgent.Search;

namespace Jockey.LocalAgent.Files;

/// <summary>Absolute URLs of what <see cref="FilesApi"/> serves, on the host the client used to reach the agent.</summary>
public static class FileUrls
{
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    public static string File(string baseUrl, string indexId, string file) => $"{baseUrl.TrimEnd('/')}/{indexId}/{file}";

    public static string Thumbnail(string baseUrl, string indexId, string videoId, double at) =>
        File(baseUrl, indexId, Thumbnails.FileName(videoId, at));
}
