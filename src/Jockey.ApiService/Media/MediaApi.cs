using Jockey.ApiService.Jockey;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Jockey.ApiService.Media;

public static class MediaApi
{
    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/media/{**path}", RedirectAsync).WithTags("Media").WithName("GetMedia")
            .WithSummary("Redirects (302) to a fresh read-only URL of a stored video, so links in old events keep working; with download=true the URL makes the browser save the file (Content-Disposition: attachment), named by name when given.");
        app.MapGet("/api/jockey/files/{index_id}/{**file}", ProxyFileAsync).WithTags("Media").WithName("GetAgentFile")
            .WithSummary("The agent's file server (thumbnails, rendered files, render previews), same-origin, by signed URLs the API hands out; Range requests pass through, a preview playlist comes with its segments' URLs signed.");
        return app;
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> RedirectAsync(string path, bool? download, string? name, MediaStore media, CancellationToken ct)
    {
        if (!IsSafePath(path, minSegments: 2)) return BadPath(path);
        var attachment = download == true ? DownloadName(name, path) : null;
        return await media.GetReadUrlAsync(path, ct, attachment) is { } url
            ? TypedResults.Redirect(url.ToString())
            : TypedResults.Problem($"No stored media at '{path}'.", statusCode: StatusCodes.Status404NotFound, title: "Media not found");
    }

    private static async Task<IResult> ProxyFileAsync(HttpContext context, string index_id, string file, string? exp, string? sig,
        JockeyClient jockey, AgentFileUrls urls, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!IsSafePath(index_id, 1) || !IsSafePath(file, 1)) return BadPath($"{index_id}/{file}");
        if (urls.Refusal(index_id, file, exp, sig) is { } refusal)
        {
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status403Forbidden, title: "Invalid file URL");
        }
        HttpResponseMessage upstream;
        var playlist = PreviewPlaylist.IsPlaylist(file);
        try
        {
            // A playlist is rewritten whole, so a byte range of the agent's copy would mean nothing.
            upstream = await jockey.GetFileAsync(index_id, file, playlist ? null : context.Request.Headers.Range.FirstOrDefault(), ct);
        }
        catch (JockeyException ex)
        {
            // The reason names the agent's internal address: it goes to the log, not to the browser.
            loggers.CreateLogger(typeof(MediaApi)).LogWarning("Agent file {Index}/{File} not served: {Reason}", index_id, file, ex.Message);
            return TypedResults.Problem("The agent's file server is not reachable right now; try again in a moment.", statusCode: StatusCodes.Status502BadGateway, title: "Agent file server unavailable");
        }
        using (upstream)
        {
            if (upstream.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // The agent's address is internal: it goes to no public error body.
                return TypedResults.Problem($"The agent has no file '{index_id}/{file}'.", statusCode: StatusCodes.Status404NotFound, title: "File not found");
            }
            var response = context.Response;
            if (playlist && upstream.IsSuccessStatusCode)
            {
                // It grows while the render runs: every reload must reach the agent.
                response.Headers[HeaderNames.CacheControl] = "no-store";
                var text = await upstream.Content.ReadAsStringAsync(ct);
                return TypedResults.Text(PreviewPlaylist.SignUris(text, file, uri => urls.FileUrl(index_id, uri)), PreviewPlaylist.ContentType);
            }
            response.StatusCode = (int)upstream.StatusCode;
            var headers = upstream.Content.Headers;
            if (headers.ContentType is { } type) response.ContentType = type.ToString();
            if (headers.ContentLength is { } length) response.ContentLength = length;
            if (headers.ContentRange is { } range) response.Headers[HeaderNames.ContentRange] = range.ToString();
            if (headers.LastModified is { } modified) response.Headers[HeaderNames.LastModified] = modified.ToString("R");
            response.Headers[HeaderNames.AcceptRanges] = upstream.Headers.AcceptRanges.FirstOrDefault() ?? "bytes";
            // A signed URL is a credential: no shared cache keeps what it fetched.
            response.Headers[HeaderNames.CacheControl] = "private, max-age=300";
            await using var body = await upstream.Content.ReadAsStreamAsync(ct);
            await body.CopyToAsync(response.Body, ct);
            return TypedResults.Empty;
        }
    }

    /// <summary>
    /// The saved file's name: the one asked for, reduced to characters that are safe in a header and on any file system,
    /// with the stored file's extension; the stored name when nothing usable is left.
    /// </summary>
    internal static string DownloadName(string? name, string path)
    {
        var extension = Path.GetExtension(path);
        var safe = new string((name ?? "").Where(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_' or '+' or ',' or '.').ToArray()).Trim(' ', '.');
        if (safe.Length > 100) safe = safe[..100].TrimEnd(' ', '.');
        if (safe.Length == 0) return Path.GetFileName(path);
        return safe.EndsWith(extension, StringComparison.OrdinalIgnoreCase) ? safe : safe + extension;
    }

    /// <summary>Plain relative paths only: no traversal, no rooted or empty segments, no backslashes or control characters.</summary>
    internal static bool IsSafePath(string? path, int minSegments)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 512) return false;
        var segments = path.Split('/');
        return segments.Length >= minSegments && segments.All(segment =>
            segment.Length > 0 && segment is not "." and not ".." &&
            segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ' ' or '(' or ')'));
    }

    private static ProblemHttpResult BadPath(string path) =>
        TypedResults.Problem($"'{path}' is not a valid media path (plain relative names only, no '..').", statusCode: StatusCodes.Status400BadRequest, title: "Invalid media path");
}
