using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Jockey.ApiService.Streaming.HubSockets;
using Microsoft.AspNetCore.Http;

namespace Jockey.Tests.Api;

/// <summary>
/// The hub's output on a real WebSocket over loopback TCP with small socket buffers. A send is held under way by a
/// client that has read only the start of a large message, so what the hub writes meanwhile is seen to wait for it.
/// </summary>
public sealed class SocketMessageWriterTests : IAsyncLifetime
{
    /// <summary>Far more than the two small socket buffers hold: its send stays under way until the client reads it.</summary>
    private const int Large = 1024 * 1024;

    private TcpListener? _listener;
    private TcpClient? _clientTcp;
    private TcpClient? _serverTcp;
    private WebSocket? _server;
    private WebSocket? _client;
    private HubSocketConnection? _connection;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        // Set before connecting: a receive buffer set later does not shrink the window the connection opened with.
        _clientTcp = new TcpClient { ReceiveBufferSize = 4096 };
        await _clientTcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port, ct);
        _serverTcp = await _listener.AcceptTcpClientAsync(ct);
        _serverTcp.SendBufferSize = 4096;
        _server = WebSocket.CreateFromStream(_serverTcp.GetStream(), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        _client = WebSocket.CreateFromStream(_clientTcp.GetStream(), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        _connection = new HubSocketConnection("writer-test", _server, new DefaultHttpContext());
    }

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _server?.Dispose();
        _clientTcp?.Dispose();
        _serverTcp?.Dispose();
        _listener?.Stop();
        return ValueTask.CompletedTask;
    }

    private SocketMessageWriter Output => (SocketMessageWriter)_connection!.Transport.Output;

    [Fact]
    public async Task What_is_written_while_a_send_is_under_way_goes_out_together_as_the_next_message()
    {
        var deadline = TestDeadlines.Start(30);
        var large = await HoldSendAsync(deadline);

        // The send of the large message is under way and cannot end before the client reads it.
        var small = new[] { "b\u001e", "c\u001e", "d\u001e" }.Select(record => Output.WriteAsync(Encoding.UTF8.GetBytes(record), deadline)).ToList();

        // A write is held only past the pause threshold: the large one waits for its send, the small ones queue.
        Assert.False(large.IsCompleted);
        Assert.All(small, write => Assert.True(write.IsCompletedSuccessfully));
        Assert.Equal(Large - 16, (await ReceiveAsync(deadline)).Payload.Length);
        Assert.False((await large.AsTask().WaitAsync(deadline)).IsCompleted);
        var next = await ReceiveAsync(deadline);
        Assert.Equal("b\u001ec\u001ed\u001e", Encoding.UTF8.GetString(next.Payload));
        Assert.Equal(WebSocketMessageType.Text, next.Type);
    }

    [Fact]
    public async Task A_message_piece_by_piece_is_sent_once_flushed_and_one_written_whole_after_it_joins_its_send()
    {
        var deadline = TestDeadlines.Start(30);
        var large = await HoldSendAsync(deadline);

        var piece = Output.GetSpan(2);
        "x\u001e"u8.CopyTo(piece);
        Output.Advance(2);
        Assert.Equal(2, Output.UnflushedBytes);
        var flushed = Output.FlushAsync(deadline);
        var whole = Output.WriteAsync("y\u001e"u8.ToArray(), deadline);

        Assert.True(flushed.IsCompletedSuccessfully);
        Assert.True(whole.IsCompletedSuccessfully);
        Assert.Equal(0, Output.UnflushedBytes);
        Assert.Equal(Large - 16, (await ReceiveAsync(deadline)).Payload.Length);
        await large;
        Assert.Equal("x\u001ey\u001e", Encoding.UTF8.GetString((await ReceiveAsync(deadline)).Payload));
    }

    [Fact]
    public async Task The_close_frame_follows_what_was_queued_and_nothing_is_taken_after_it()
    {
        var deadline = TestDeadlines.Start(30);
        var large = await HoldSendAsync(deadline);
        Assert.True(Output.WriteAsync("last\u001e"u8.ToArray(), deadline).IsCompletedSuccessfully);

        var closing = Output.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "restarting", TimeSpan.FromSeconds(20));
        var afterClose = await Output.WriteAsync("late\u001e"u8.ToArray(), deadline);

        Assert.True(afterClose.IsCompleted);
        Assert.Equal(Large - 16, (await ReceiveAsync(deadline)).Payload.Length);
        await large;
        Assert.Equal("last\u001e", Encoding.UTF8.GetString((await ReceiveAsync(deadline)).Payload));
        var close = await ReceiveAsync(deadline);
        Assert.Equal(WebSocketMessageType.Close, close.Type);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, _client!.CloseStatus);
        await closing.WaitAsync(deadline);
    }

    [Fact]
    public async Task A_client_that_goes_away_mid_send_ends_the_connection_and_releases_a_waiting_write()
    {
        var deadline = TestDeadlines.Start(30);
        var large = await HoldSendAsync(deadline);
        var queuedPastPause = WriteWaitingPastPause('b', deadline);

        var ended = new TaskCompletionSource();
        using var _ = _connection!.ConnectionClosed.Register(() => ended.TrySetResult());
        _client!.Abort();
        _clientTcp!.Dispose();

        Assert.True((await large.AsTask().WaitAsync(deadline)).IsCompleted);
        Assert.True((await queuedPastPause.AsTask().WaitAsync(deadline)).IsCompleted);
        await ended.Task.WaitAsync(deadline);
        Assert.True((await Output.WriteAsync("after\u001e"u8.ToArray(), deadline)).IsCompleted);
    }

    [Fact]
    public async Task Cancelling_the_pending_flush_releases_a_waiting_write_and_no_write_waits_after_it()
    {
        // SignalR cancels the pending flush when it aborts a connection: its close must not wait behind a client that reads nothing.
        var deadline = TestDeadlines.Start(30);
        var large = await HoldSendAsync(deadline);
        var queuedPastPause = WriteWaitingPastPause('b', deadline);

        Output.CancelPendingFlush();
        var afterCancel = Output.WriteAsync(Bytes('c', SocketMessageWriter.PauseBytes + 1), deadline);

        Assert.True((await large.AsTask().WaitAsync(deadline)).IsCanceled);
        Assert.True((await queuedPastPause.AsTask().WaitAsync(deadline)).IsCanceled);
        Assert.True(afterCancel.IsCompletedSuccessfully);
        // Nothing queued is dropped by it: the client that reads again gets all three, in order.
        Assert.Equal(Large - 16, (await ReceiveAsync(deadline)).Payload.Length);
        var rest = (await ReceiveAsync(deadline)).Payload;
        Assert.Equal(2 * (SocketMessageWriter.PauseBytes + 1), rest.Length);
        Assert.Equal((byte)'b', rest[0]);
        Assert.Equal((byte)'c', rest[^1]);
    }

    /// <summary>Writes a large message and reads its first 16 bytes: its send is under way, and holds until the rest is read.</summary>
    private async Task<ValueTask<FlushResult>> HoldSendAsync(CancellationToken deadline)
    {
        var large = Output.WriteAsync(Bytes('a', Large), deadline);
        var start = new byte[16];
        var read = 0;
        while (read < start.Length)
        {
            var received = await _client!.ReceiveAsync(start.AsMemory(read), deadline);
            Assert.False(received.EndOfMessage);
            read += received.Count;
        }
        return large;
    }

    /// <summary>A write past the pause threshold while a send is held: it waits for that send.</summary>
    private ValueTask<FlushResult> WriteWaitingPastPause(char fill, CancellationToken deadline)
    {
        var write = Output.WriteAsync(Bytes(fill, SocketMessageWriter.PauseBytes + 1), deadline);
        Assert.False(write.IsCompleted);
        return write;
    }

    /// <summary>The rest of the message under way, or the next one whole.</summary>
    private async Task<(WebSocketMessageType Type, byte[] Payload)> ReceiveAsync(CancellationToken deadline)
    {
        var payload = new ArrayBufferWriter<byte>();
        while (true)
        {
            var received = await _client!.ReceiveAsync(payload.GetMemory(64 * 1024), deadline);
            payload.Advance(received.Count);
            if (received.EndOfMessage) return (received.MessageType, payload.WrittenMemory.ToArray());
        }
    }

    private static byte[] Bytes(char fill, int length) => Enumerable.Repeat((byte)fill, length).ToArray();
}
