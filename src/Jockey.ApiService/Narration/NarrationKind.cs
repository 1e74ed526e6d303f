namespace Jockey.ApiService.Narration;

/// <summary>
/// Which of an operation's two narrations: the acknowledgement of its request, spoken as the run starts, or its
/// result, spoken as it ends. Socket frames and <c>narration</c> events carry it as <c>kind</c>.
/// </summary>
public static class NarrationKind
{
    public const string Request = "request", Result = "result";

    /// <summary>What keys a narration's frames and delivery record in Redis: the request's keeps the operation id.</summary>
    public static string Key(string operationId, string kind) => kind == Result ? operationId + ".result" : operationId;

    /// <summary>The stored file's name without its extension, next to the operation's video.</summary>
    public static string FileStem(string kind) => kind == Result ? "result-narration" : "narration";
}
