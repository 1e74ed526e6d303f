namespace Jockey.ApiService.Streaming.HubSockets;

/// <summary>
/// Starts the sends of the hub connections that have something queued, many per thread-pool work item: a message to a
/// group of 10,000 makes <see cref="Count"/> work items, not 10,000 (the SSE streams' relays do the same,
/// docs/benchmarks.md). Each connection belongs to one relay for its life, so its sends start in the order its messages
/// came; a pass starts each ready connection's send, and a send the socket cannot take at once goes on by itself.
/// </summary>
internal sealed class SendRelay : IThreadPoolWorkItem
{
    /// <summary>Enough for both cores to share a broadcast's passes, few enough that a pass carries many connections.</summary>
    public const int Count = 64;

    private static readonly SendRelay[] s_relays = [.. Enumerable.Range(0, Count).Select(_ => new SendRelay())];
    private static int s_next;

    private readonly Lock _lock = new();
    private List<SocketMessageWriter> _ready = [];
    private List<SocketMessageWriter> _spare = [];
    private bool _scheduled;

    /// <summary>The relay for a new connection, in turn, so a group's connections spread over all of them.</summary>
    public static SendRelay Next() => s_relays[(int)((uint)Interlocked.Increment(ref s_next) % Count)];

    /// <summary>Adds a connection that has just queued its first message; the relay's next pass starts its send.</summary>
    public void Add(SocketMessageWriter writer)
    {
        lock (_lock)
        {
            _ready.Add(writer);
            if (_scheduled) return;
            _scheduled = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            List<SocketMessageWriter> pass;
            lock (_lock)
            {
                if (_ready.Count == 0)
                {
                    _scheduled = false;
                    return;
                }
                (pass, _ready) = (_ready, _spare);
            }
            foreach (var writer in pass) writer.StartSending();
            pass.Clear();
            _spare = pass;
        }
    }
}
