namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// Where a group's messages are kept apart from the backplane (a thread's event log), so that a replica that could not
/// hear for a while sends its members what they missed instead of closing their connections. A group message with a
/// position (its place in that log) is one the log holds; one without is sent as it comes, and what a broken connection
/// loses of those is lost.
/// </summary>
public interface IGroupCatchUp
{
    /// <summary>The position in <paramref name="group"/>'s log of a message (JSON protocol bytes), or null for one the log does not hold.</summary>
    long? PositionOf(string group, ReadOnlySpan<byte> message);

    /// <summary>The group's logged messages after <paramref name="position"/>, oldest first, in JSON protocol bytes; none for a group with no log.</summary>
    IAsyncEnumerable<(long Position, byte[] Message)> ReadAfterAsync(string group, long position, CancellationToken ct);
}
