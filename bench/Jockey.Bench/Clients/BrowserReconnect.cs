namespace Jockey.Bench.Clients;

/// <summary>
/// When the web app's pages come back after their connection ends (src/Jockey.Web/src/hooks/connection.ts,
/// <c>retryDelay</c>): quick at first, each delay spread at random, the first within half a second. An SSE stream the
/// server ended is reopened by the browser's EventSource itself, after the stream's <c>retry:</c> or, without one,
/// Chromium's default; a refused reopening (503) closes the EventSource, and the page then follows the same back-off.
/// </summary>
public static class BrowserReconnect
{
    /// <summary>Chromium's EventSource waits this long before reopening a stream that ended, unless the stream said otherwise.</summary>
    public static readonly TimeSpan EventSourceDefault = TimeSpan.FromSeconds(3);

    private static readonly int[] BaseMilliseconds = [0, 1000, 2000, 5000];

    /// <summary>The wait before attempt <paramref name="attempt"/> (0 is the first after a drop).</summary>
    public static TimeSpan Delay(int attempt)
    {
        if (attempt == 0) return TimeSpan.FromMilliseconds(Random.Shared.Next(500));
        var baseMs = attempt < BaseMilliseconds.Length ? BaseMilliseconds[attempt] : 10_000;
        return TimeSpan.FromMilliseconds(Math.Round(baseMs * (0.75 + Random.Shared.NextDouble() * 0.5)));
    }
}
