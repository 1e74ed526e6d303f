using System.Net;
using System.Net.Sockets;

namespace Jockey.Tests.Api;

/// <summary>
/// Relays TCP connections from a local port to a target: a service that "comes up" on that port when the forwarder
/// starts, or a network path that <see cref="Cut"/> breaks mid-response.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TcpClient, CancellationTokenSource> _relays = new();

    /// <summary>Port 0 picks a free one; <see cref="Address"/> says which.</summary>
    public TcpForwarder(int port, Uri target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Connections relayed so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Breaks every open connection (both sides see it closed); new ones are relayed as before.</summary>
    public int Cut()
    {
        var cut = 0;
        foreach (var relay in _relays.Values)
        {
            try
            {
                relay.Cancel();
                cut++;
            }
            catch (ObjectDisposedException)
            {
                // That connection had just closed by itself.
            }
        }
        return cut;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Accepted++;
                _ = RelayAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var relay = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _relays[client] = relay;
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(_target.Host, _target.Port, relay.Token);
                await using var near = client.GetStream();
                await using var far = upstream.GetStream();
                await Task.WhenAny(near.CopyToAsync(far, relay.Token), far.CopyToAsync(near, relay.Token));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // One side went away (or the path was cut); the other is closed with it.
            }
            finally
            {
                _relays.TryRemove(client, out _);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
