using Jockey.ApiService.Narration;

namespace Jockey.ApiService.Processing;

/// <summary>
/// An operation as shown to whoever holds only its id (<c>GET /api/operations/{id}</c>, cancel) or a share link: no
/// thread id, which is the credential for the whole conversation. In a shared view <see cref="OperationId"/> is the
/// operation's media id, since a read-only viewer must not be able to cancel.
/// </summary>
public sealed record OperationView(
    string OperationId,
    string Status,
    AudioUrls AudioUrls,
    Timeline Timeline,
    OperationStats Stats,
    OperationViewResponse Response,
    string? IndexId,
    string? VideoUrl,
    string? Error,
    string? NarrationError,
    SpokenResult? ResultNarration)
{
    public static OperationView Of(Operation operation) => As(operation, operation.OperationId);

    public static OperationView Shared(Operation operation) => As(operation, operation.MediaId);

    private static OperationView As(Operation o, string id) => new(id, o.Status, o.AudioUrls, o.Timeline, o.Stats,
        new OperationViewResponse(o.Response.OriginalText, o.Response.TransformedText, o.Response.AudioUrl),
        o.IndexId, o.VideoUrl, o.Error, o.NarrationError, o.ResultNarration);
}

public sealed record OperationViewResponse(string OriginalText, string? TransformedText, string? AudioUrl);
