namespace Jockey.ApiService.Jockey;

/// <summary>
/// The assistant id runs are started with, once found (the search result or the graph-name fallback). A singleton:
/// the typed <see cref="JockeyClient"/> is created per use, and the server's assistant does not change while it runs.
/// </summary>
public sealed class AssistantIdCache
{
    private volatile string? _id;

    public string? Id
    {
        get => _id;
        set => _id = value;
    }
}
