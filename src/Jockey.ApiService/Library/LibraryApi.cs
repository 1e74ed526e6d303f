using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jockey.ApiService.Config;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Media;
using Jockey.ApiService.Processing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Library;

/// <param name="Supported">Whether the Jockey server keeps a library the API can change (the embedded agent does; a real Jockey server does not).</param>
/// <param name="MaxUploadBytes">The largest upload the API takes (<c>Library:MaxUploadBytes</c>).</param>
public sealed record LibraryInfo(bool Supported, long MaxUploadBytes);

public sealed record NewIndexRequest(string? IndexId);

/// <summary>
/// The library from the browser: create an index, upload a video (multipart, streamed to the agent as it arrives,
/// never held whole), delete one. The browser still talks only to the API; the agent's own answers (its checks of
/// name, type and size) come back as they are, as ProblemDetails.
/// </summary>
public static class LibraryApi
{
    public static IHostApplicationBuilder AddLibrary(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LibraryOptions>().BindConfiguration(LibraryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static IEndpointRouteBuilder MapLibraryApi(this IEndpointRouteBuilder app)
    {
        var library = app.MapGroup("/api").WithTags("Library");
        library.MapGet("/library", GetInfoAsync).WithName("GetLibrary")
            .WithSummary("Whether the library can be changed from here (uploads, new indexes, deletes), and the upload limit.");
        library.MapPost("/indexes", CreateIndexAsync).WithName("CreateIndex").WithSummary("A new, empty index.");
        library.MapPost("/indexes/{index_id}/videos", UploadAsync).WithName("UploadVideo").DisableAntiforgery()
            .WithSummary("Adds a video: multipart/form-data, the file in field \"file\" (optional title, description, tags, subtitles). Answers once it is indexed and searchable.");
        library.MapDelete("/indexes/{index_id}/videos/{video_id}", DeleteAsync).WithName("DeleteVideo").WithSummary("Removes a video from its index.");
        return app;
    }

    /// <summary>Supported when the Jockey server lists its indexes (<c>GET /indexes</c>): the agent's library API; LangGraph servers have none.</summary>
    private static async Task<Ok<LibraryInfo>> GetInfoAsync(JockeyClient jockey, IOptions<LibraryOptions> options, CancellationToken ct) =>
        TypedResults.Ok(new LibraryInfo(await jockey.GetOptionalJsonAsync("indexes", ct) is JsonArray, options.Value.MaxUploadBytes));

    private static async Task<IResult> CreateIndexAsync(NewIndexRequest body, JockeyClient jockey, IndexIdRule indexIds, CancellationToken ct)
    {
        if (body.IndexId is not { } id || !indexIds.IsValid(id))
            return TypedResults.Problem(IndexIdRule.Refusal(body.IndexId ?? ""), statusCode: StatusCodes.Status400BadRequest, title: "Invalid index id");
        return await ForwardAsync(jockey, HttpMethod.Post, "indexes", JsonContent.Create(new { index_id = id }), ct,
            async answer => TypedResults.Created($"/api/indexes/{id}", await answer.Content.ReadFromJsonAsync<JsonElement>(ct)));
    }

    private static async Task<IResult> UploadAsync(string index_id, HttpContext context, JockeyClient jockey, AgentFileUrls fileUrls,
        IndexIdRule indexIds, IOptions<LibraryOptions> options, CancellationToken ct)
    {
        var request = context.Request;
        var max = options.Value.MaxUploadBytes;
        if (!indexIds.IsValid(index_id))
            return TypedResults.Problem(IndexIdRule.Refusal(index_id), statusCode: StatusCodes.Status400BadRequest, title: "Invalid index id");
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || type.MediaType != "multipart/form-data"
            || !type.Parameters.Any(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase)))
            return TypedResults.Problem("Send the video as multipart/form-data with the file in a field named \"file\" (what a browser's FormData sends).",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not a multipart upload");
        if (request.ContentLength > max) return TooLarge(max);
        // The API's JSON limit (Limits:MaxBodyBytes) is not for videos; this endpoint counts against its own.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;

        var body = new StreamContent(new UploadLimit(request.Body, max));
        body.Headers.ContentType = type;
        if (request.ContentLength is { } length) body.Headers.ContentLength = length;
        try
        {
            return await ForwardAsync(jockey, HttpMethod.Post, $"indexes/{Uri.EscapeDataString(index_id)}/videos", body, ct, async answer =>
            {
                var video = VideoSummary.FromAgent(await answer.Content.ReadFromJsonAsync<JsonNode>(ct), fileUrls);
                return video is null
                    ? Problem(StatusCodes.Status502BadGateway, "The agent took the video but did not say what it stored.")
                    : TypedResults.Created($"/api/indexes/{index_id}/videos/{video.VideoId}", video);
            });
        }
        catch (Exception ex) when (ex is UploadTooLargeException || ex.InnerException is UploadTooLargeException)
        {
            return TooLarge(max);
        }
    }

    private static Task<IResult> DeleteAsync(string index_id, string video_id, JockeyClient jockey, IndexIdRule indexIds, CancellationToken ct) =>
        !indexIds.IsValid(index_id) || !MediaApi.IsSafePath(video_id, 1)
            ? Task.FromResult<IResult>(Problem(StatusCodes.Status400BadRequest, $"'{index_id}/{video_id}' does not name a video (plain names only)."))
            : ForwardAsync(jockey, HttpMethod.Delete, $"indexes/{Uri.EscapeDataString(index_id)}/videos/{Uri.EscapeDataString(video_id)}", null, ct,
                _ => Task.FromResult<IResult>(TypedResults.NoContent()));

    /// <summary>
    /// Sends a library call to the agent: a success becomes <paramref name="onSuccess"/>'s answer; the agent's own
    /// refusals (4xx, with the reason a person can act on) pass through; anything else is a 502 naming no address.
    /// </summary>
    private static async Task<IResult> ForwardAsync(JockeyClient jockey, HttpMethod method, string path, HttpContent? content, CancellationToken ct,
        Func<HttpResponseMessage, Task<IResult>> onSuccess)
    {
        HttpResponseMessage answer;
        try
        {
            answer = await jockey.SendToLibraryAsync(method, path, content, ct);
        }
        catch (JockeyException)
        {
            return Problem(StatusCodes.Status502BadGateway, "The agent is not reachable right now; try again in a moment.");
        }
        using (answer)
        {
            if (answer.IsSuccessStatusCode) return await onSuccess(answer);
            if (answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed && answer.Content.Headers.ContentType?.MediaType != "application/problem+json")
                return Problem(StatusCodes.Status404NotFound, "This Jockey server keeps no library that can be changed from here (GET /api/library says so).");
            var status = (int)answer.StatusCode;
            var detail = status < 500 && await ReadDetailAsync(answer, ct) is { } said ? said : null;
            return detail is null
                ? Problem(StatusCodes.Status502BadGateway, $"The agent could not do that ({status}).")
                : Problem(status, detail);
        }
    }

    private static async Task<string?> ReadDetailAsync(HttpResponseMessage answer, CancellationToken ct)
    {
        try
        {
            return (await answer.Content.ReadFromJsonAsync<JsonElement>(ct)).TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ProblemHttpResult TooLarge(long max) =>
        Problem(StatusCodes.Status413PayloadTooLarge, $"The upload is larger than the limit of {max / (1024 * 1024)} MB (Library:MaxUploadBytes).");

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);
}
