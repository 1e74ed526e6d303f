namespace Jockey.ApiService.Narration;

/// <summary>
/// Which of an operation's two narrations: the acknowledgement of its request, spoken as the run starts, or its
/// result, spoken as it ends. Socket frames and <c>narration</c> events carry it as <c>kind</c>.
/// </summary>
public static class NarrationKind
{
    public const string Request = "request", Result = "result";

    /// <summary>What keys a narration's frames and delivery record in Redis: the request's keeps the operation id.</summary>
    public static string Key(string operationId, string kind) => kind == Result ? operationId + ResultSuffix : operationId;

    /// <summary>The request narration's key of a result narration's key; null for any other key.</summary>
    public static string? RequestOf(string key) => key.EndsWith(ResultSuffix, StringComparison.Ordinal) ? key[..^ResultSuffix.Length] : null;

    private const string ResultSuffix = ".result";

    /// <summary>The stored file's name without its extension, next to the operation's video.</summary>
    public static string FileStem(string kind) => kind == Result ? "result-narration" : "narration";
}
