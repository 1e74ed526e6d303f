using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Jockey.ApiService.Events;
using Jockey.ApiService.Streaming.Backplane;
using Microsoft.AspNetCore.SignalR.Protocol;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// A thread's hub group is caught up from the thread's event log: an <c>update</c>'s position is its event's seq, which
/// the event's JSON spells first (<see cref="ThreadEventLog"/>), and a missed update is the logged event sent as the
/// append script publishes it. <c>operation</c> messages are not logged: a client learns an operation's end from the
/// events.
/// </summary>
public sealed class ThreadCatchUp(IConnectionMultiplexer redis) : IGroupCatchUp
{
    private static readonly byte[] SeqFirst = "{\"seq\":"u8.ToArray();
    private static readonly InvocationPieces Update = InvocationPieces.Of(new JsonHubProtocol(), "update");

    public long? PositionOf(string group, ReadOnlySpan<byte> message)
    {
        if (!message.StartsWith(Update.Before)) return null;
        var argument = message[Update.Before.Length..];
        return argument.StartsWith(SeqFirst) && Utf8Parser.TryParse(argument[SeqFirst.Length..], out long seq, out _) ? seq : null;
    }

    public async IAsyncEnumerable<(long Position, byte[] Message)> ReadAfterAsync(string group, long position, [EnumeratorCancellation] CancellationToken ct)
    {
        if (ThreadNotifier.ThreadOf(group) is not { } threadId) yield break;
        await foreach (var stored in ThreadEventLog.ReadAfterAsync(redis.GetDatabase(), threadId, position, ct))
        {
            yield return (stored.Seq, Update.Around(stored.Json));
        }
    }
}
