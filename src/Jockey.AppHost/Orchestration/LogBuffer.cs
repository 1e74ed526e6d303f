using System.Threading.Channels;

namespace Jockey.AppHost.Orchestration;

public sealed record LogLine(long Number, DateTimeOffset Time, string Instance, string Text, bool IsError);

/// <summary>The last N log lines of one replica, plus live subscribers (the dashboard's log tail).</summary>
public sealed class LogBuffer(int capacity = 2000)
{
    private readonly Queue<LogLine> _lines = new();
    private readonly List<ChannelWriter<LogLine>> _subscribers = [];
    private readonly Lock _gate = new();
    private long _next;

    public void Add(string instance, string text, bool isError)
    {
        lock (_gate)
        {
            var line = new LogLine(++_next, DateTimeOffset.UtcNow, instance, text, isError);
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
            // A slow dashboard tab drops lines rather than holding the process's output back.
            foreach (var subscriber in _subscribers)
            {
                subscriber.TryWrite(line);
            }
        }
    }

    public IReadOnlyList<LogLine> Snapshot()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    /// <summary>Everything buffered, then every new line until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<LogLine> TailAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        IReadOnlyList<LogLine> backlog;
        lock (_gate)
        {
            backlog = [.. _lines];
            _subscribers.Add(channel.Writer);
        }
        try
        {
            foreach (var line in backlog)
            {
                yield return line;
            }
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return line;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel.Writer);
            }
        }
    }
}
