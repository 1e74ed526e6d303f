namespace Jockey.ApiService.Streaming;

/// <summary>
/// The hub's keep-alive defaults (<c>Hub:KeepAliveInterval</c>, <c>Hub:ClientTimeoutInterval</c>). A client must ping
/// at least every <see cref="Interval"/> and wait <see cref="ClientTimeout"/> for the server before giving up, as the
/// web app does (useJockeyHub.ts): SignalR clients' own defaults (15 s / 30 s) would drop an idle connection.
/// </summary>
public static class HubKeepAlive
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);
}
