using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Jockey.ApiService.Streaming.Backplane;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jockey.Tests.Api;

/// <summary>
/// A hub connection as a lifetime manager sees one — SignalR's own <see cref="HubConnectionContext"/> with the JSON
/// protocol — over pipes instead of a socket. The test reads what the connection was sent as the client would, record
/// by record, and answers client results the way SignalR's dispatcher hands them to the manager.
/// </summary>
public sealed class BackplaneClient : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly JsonHubProtocol Json = new();

    private readonly Pipe _toClient = new();
    private readonly Pipe _toServer = new();
    private readonly HubConnectionContext _connection;
    private readonly HubLifetimeManager<BackplaneHub> _manager;
    private bool _closed;

    private BackplaneClient(HubLifetimeManager<BackplaneHub> manager, string id)
    {
        _manager = manager;
        var context = new DefaultConnectionContext(id, new Duplex(_toServer.Reader, _toClient.Writer), new Duplex(_toClient.Reader, _toServer.Writer));
        _connection = new HubConnectionContext(context, new HubConnectionContextOptions
        {
            KeepAliveInterval = TimeSpan.FromSeconds(15),
            ClientTimeoutInterval = TimeSpan.FromSeconds(30),
        }, NullLoggerFactory.Instance) { Protocol = Json };
    }

    public string Id => _connection.ConnectionId;

    /// <summary>The server's side of the connection, for a test that hands it messages without a manager's group.</summary>
    internal HubConnectionContext Connection => _connection;

    public static async Task<BackplaneClient> ConnectAsync(HubLifetimeManager<BackplaneHub> manager, HubConnectionIds ids)
    {
        var client = new BackplaneClient(manager, ids.NewConnectionId());
        await manager.OnConnectedAsync(client._connection);
        return client;
    }

    /// <summary>The next message, which must be a plain invocation: its target and its one argument as JSON.</summary>
    public async Task<(string Target, string Argument)> ReadInvocationAsync(CancellationToken ct)
    {
        using var record = await ReadRecordAsync(ct);
        var root = record.RootElement;
        Assert.Equal(1, root.GetProperty("type").GetInt32());
        Assert.False(root.TryGetProperty("invocationId", out _), $"Expected a plain invocation, got {root}");
        return (root.GetProperty("target").GetString()!, root.GetProperty("arguments")[0].GetRawText());
    }

    /// <summary>The next message, which must be an invocation that waits for a result.</summary>
    public async Task<(string Target, string InvocationId)> ReadClientInvocationAsync(CancellationToken ct)
    {
        using var record = await ReadRecordAsync(ct);
        var root = record.RootElement;
        Assert.Equal(1, root.GetProperty("type").GetInt32());
        return (root.GetProperty("target").GetString()!, root.GetProperty("invocationId").GetString()!);
    }

    /// <summary>What SignalR's dispatcher does with a client's completion: parse it with the type the manager expects, then hand it over.</summary>
    public async Task AnswerAsync(HubLifetimeManager<BackplaneHub> manager, string completionJson)
    {
        var bytes = new ReadOnlySequence<byte>([.. Encoding.UTF8.GetBytes(completionJson), RecordSeparator]);
        Assert.True(Json.TryParseMessage(ref bytes, new ManagerBinder(manager), out var message));
        await manager.SetConnectionResultAsync(Id, Assert.IsType<CompletionMessage>(message));
    }

    /// <summary>Whether the server has aborted the connection.</summary>
    public bool IsAborted => _connection.ConnectionAborted.IsCancellationRequested;

    /// <summary>Waits until the server aborts the connection (its client would reconnect).</summary>
    public async Task AbortedAsync(CancellationToken ct)
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (_connection.ConnectionAborted.Register(() => aborted.TrySetResult())) await aborted.Task.WaitAsync(ct);
    }

    /// <summary>As SignalR closes a connection: aborted first (what waits on it ends), then the manager lets it go.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closed) return;
        _closed = true;
        _connection.Abort();
        await _manager.OnDisconnectedAsync(_connection);
    }

    private async Task<JsonDocument> ReadRecordAsync(CancellationToken ct)
    {
        while (true)
        {
            var read = await _toClient.Reader.ReadAsync(ct);
            var buffer = read.Buffer;
            if (buffer.PositionOf(RecordSeparator) is { } end)
            {
                var record = JsonDocument.Parse(buffer.Slice(0, end));
                _toClient.Reader.AdvanceTo(buffer.GetPosition(1, end));
                return record;
            }
            Assert.False(read.IsCompleted, "The connection ended before the next message.");
            _toClient.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    private sealed class ManagerBinder(HubLifetimeManager<BackplaneHub> manager) : IInvocationBinder
    {
        public Type GetReturnType(string invocationId) =>
            manager.TryGetReturnType(invocationId, out var type) ? type : throw new InvalidOperationException($"No invocation '{invocationId}' is waiting.");

        public IReadOnlyList<Type> GetParameterTypes(string methodName) => throw new NotSupportedException();

        public Type GetStreamItemType(string streamId) => throw new NotSupportedException();
    }
}
