using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Jockey.ApiService.Streaming.HubSockets;

/// <summary>
/// One hub client's WebSocket, as the connection SignalR's hub runs on. What the client sends goes through a pipe to
/// the hub's reader; what the hub writes is queued and sent in bursts (<see cref="SocketMessageWriter"/>). The
/// connection's features are the connection itself: its id, user, request, transfer format and heartbeat. It is also
/// their collection, without a dictionary: every connection holds it for its whole life (docs/benchmarks.md, issue 14).
/// </summary>
internal sealed class HubSocketConnection : ConnectionContext, IDuplexPipe, IFeatureCollection,
    IConnectionIdFeature, IConnectionItemsFeature, IConnectionTransportFeature, IConnectionUserFeature,
    IConnectionLifetimeFeature, IConnectionHeartbeatFeature, ITransferFormatFeature, IHttpContextFeature
{
    /// <summary>The features the connection is itself.</summary>
    private static readonly Type[] OwnFeatures =
    [
        typeof(IConnectionIdFeature), typeof(IConnectionItemsFeature), typeof(IConnectionTransportFeature), typeof(IConnectionUserFeature),
        typeof(IConnectionLifetimeFeature), typeof(IConnectionHeartbeatFeature), typeof(ITransferFormatFeature), typeof(IHttpContextFeature),
    ];

    /// <summary>How long a closing connection waits for the client's close frame before it drops the socket (SignalR's own default).</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>One set of options for every connection's pipe: options are immutable, and one per connection was 72 B for its whole life.</summary>
    private static readonly PipeOptions ReceivedOptions = new(useSynchronizationContext: false);

    private readonly WebSocket _socket;
    private readonly Pipe _received = new(ReceivedOptions);
    private readonly SocketMessageWriter _output;
    private readonly CancellationTokenSource _ended = new();
    private IDictionary<object, object?>? _items;
    /// <summary>Features others set (the backplane's group membership): few, set at connect and read after, so copied on write.</summary>
    private KeyValuePair<Type, object>[] _setFeatures = [];
    private int _featuresRevision;
    /// <summary>Guards the close's start and the features others set: both rare, so one lock serves them.</summary>
    private readonly Lock _lock = new();
    private (Action<object> Tick, object State)[] _heartbeats = [];
    private Task _receiving = Task.CompletedTask;
    private Task? _close;

    public HubSocketConnection(string connectionId, WebSocket socket, HttpContext request)
    {
        ConnectionId = connectionId;
        _socket = socket;
        HttpContext = request;
        User = request.User;
        _output = new SocketMessageWriter(socket, this);
        ConnectionClosed = _ended.Token;
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features => this;

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => _featuresRevision;

    object? IFeatureCollection.this[Type key]
    {
        get => Feature(key);
        set => SetFeature(key, value);
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default => (TFeature?)Feature(typeof(TFeature));

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default => SetFeature(typeof(TFeature), instance);

    private object? Feature(Type key)
    {
        foreach (var (type, feature) in _setFeatures)
        {
            if (type == key) return feature;
        }
        return Array.IndexOf(OwnFeatures, key) >= 0 ? this : null;
    }

    private void SetFeature(Type key, object? feature)
    {
        lock (_lock)
        {
            List<KeyValuePair<Type, object>> features = [.. _setFeatures.Where(set => set.Key != key)];
            // Set to null: the connection's own feature is what it is again, as FeatureCollection's default would be.
            if (feature is not null) features.Add(new(key, feature));
            _setFeatures = [.. features];
            _featuresRevision++;
        }
    }

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        var set = _setFeatures;
        foreach (var feature in set) yield return feature;
        foreach (var own in OwnFeatures)
        {
            if (!set.Any(feature => feature.Key == own)) yield return new(own, this);
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new ConnectionItems();
        set => _items = value;
    }

    public override IDuplexPipe Transport
    {
        get => this;
        set => throw new NotSupportedException("A hub socket's transport is its WebSocket.");
    }

    public PipeReader Input => _received.Reader;

    public PipeWriter Output => _output;

    public ClaimsPrincipal? User { get; set; }

    public HttpContext? HttpContext { get; set; }

    public TransferFormat SupportedFormats => TransferFormat.Text | TransferFormat.Binary;

    public TransferFormat ActiveFormat { get; set; } = TransferFormat.Text;

    public WebSocketMessageType MessageType => ActiveFormat == TransferFormat.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;

    /// <summary>True once the server has started to close it for shutting down: the client is told to reconnect elsewhere.</summary>
    public bool Stopping { get; private set; }

    /// <summary>
    /// The hub registers its keep-alive and client timeout here; <see cref="HubSocketClock"/> ticks every connection's
    /// together. Only the hub's own handshake and dispatch loop register, one after the other, never concurrently.
    /// </summary>
    public void OnHeartbeat(Action<object> action, object state) => _heartbeats = [.. _heartbeats, (action, state)];

    public void TickHeartbeat()
    {
        foreach (var (tick, state) in _heartbeats) tick(state);
    }

    public override void Abort(ConnectionAbortedException abortReason) => End();

    public override void Abort() => End();

    /// <summary>Ends the connection because the server is stopping; the close frame says so.</summary>
    public void Stop()
    {
        Stopping = true;
        End();
    }

    /// <summary>
    /// Tells the hub the connection is over, and starts the close. Called here rather than registered on the token:
    /// a registration would be held for the connection's whole life.
    /// </summary>
    private void End()
    {
        _ended.Cancel();
        _ = BeginClose();
    }

    /// <summary>
    /// Runs the hub on this socket until either side ends it: the client closes or goes away, the hub aborts (a client
    /// timeout), or the server stops. Each way, the socket gets a close frame that says which, and the client
    /// <see cref="CloseTimeout"/> to answer it.
    /// </summary>
    public async Task RunAsync(ConnectionHandler hub)
    {
        _receiving = ReceiveAsync();
        try
        {
            await hub.OnConnectedAsync(this);
        }
        finally
        {
            _output.Complete();
        }
        await BeginClose();
        await _receiving;
        await _received.Reader.CompleteAsync();
    }

    /// <summary>
    /// The client's frames into the hub's pipe, until the client closes or goes away, or the close times out. No token:
    /// each of those ends the read by itself (a dropped connection ends the socket's stream, and the close's timeout
    /// aborts the socket), and a token would hold a registration, and the request's abort source, for the connection's
    /// whole life (docs/benchmarks.md, issue 14).
    /// </summary>
    private async Task ReceiveAsync()
    {
        var input = _received.Writer;
        try
        {
            while (true)
            {
                // A zero-byte read first, so an idle connection holds no buffer while it waits.
                var next = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (next.MessageType == WebSocketMessageType.Close) return;
                var received = await _socket.ReceiveAsync(input.GetMemory(), CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close) return;
                input.Advance(received.Count);
                if ((await input.FlushAsync(CancellationToken.None)).IsCompleted) return;
            }
        }
        catch (Exception ex) when (IsGone(ex))
        {
            // The client went away, or did not answer the close in time: the hub sees its input end.
        }
        finally
        {
            await input.CompleteAsync();
        }
    }

    /// <summary>Sends the close frame once; a client that has not answered it within <see cref="CloseTimeout"/> is dropped.</summary>
    private Task BeginClose()
    {
        lock (_lock)
        {
            return _close ??= _socket.State is WebSocketState.Open or WebSocketState.CloseReceived ? SendCloseAsync() : Task.CompletedTask;
        }
    }

    private async Task SendCloseAsync()
    {
        var (status, reason) = Stopping
            ? (WebSocketCloseStatus.EndpointUnavailable, "The server is restarting; reconnect.")
            : (WebSocketCloseStatus.NormalClosure, "");
        await _output.CloseAsync(status, reason, CloseTimeout);
        // The client answers with its own close frame, which ends the reading.
        await ((Task)_receiving.WaitAsync(CloseTimeout)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Closed both ways, or the client did not answer: either way the socket is done, and a read still waiting ends.
        _socket.Abort();
    }

    /// <summary>The client went away or the socket is closing: the expected ends of a connection, not failures.</summary>
    internal static bool IsGone(Exception ex) =>
        ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or ConnectionResetException;
}
