using System.Net.WebSockets;
using Jockey.ApiService.Streaming.Backplane;
using Jockey.ApiService.Streaming.HubSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jockey.Tests.Api;

/// <summary>
/// The hub's connection layer keeping connections alive, at the wire: SignalR's hub on <see cref="HubSocketEndpoints"/>
/// in a Kestrel of the test's own, pinging every second and dropping a client silent for 5 s. Only the layer is under
/// test here, so its hub echoes and nothing else runs (no app start for a setting no other test wants).
/// </summary>
public sealed class HubSocketKeepAliveTests : IAsyncLifetime
{
    private WebApplication? _host;
    private Uri? _address;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<HubSocketClock>();
        builder.Services.AddSingleton<HubConnectionIds>();
        builder.Services.AddSignalR(options =>
        {
            options.KeepAliveInterval = TimeSpan.FromSeconds(1);
            options.ClientTimeoutInterval = TimeSpan.FromSeconds(5);
        });
        _host = builder.Build();
        _host.MapHubSockets<EchoHub>("/hubs/jockey");
        await _host.StartAsync(TestContext.Current.CancellationToken);
        _address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    [Fact]
    public async Task The_server_pings_an_idle_client_and_closes_one_that_stays_silent_while_one_that_pings_stays()
    {
        var ct = TestDeadlines.Start(60);
        await using var silent = await RawHubSocket.ConnectAsync(_address!, ct);
        await using var pinging = await RawHubSocket.ConnectAsync(_address!, ct);
        using var stopPinging = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pings = PingAsync(pinging, stopPinging.Token);

        // One ping, then silence: SignalR's hub starts timing a client out at its first ping.
        await silent.SendAsync("""{"type":6}""", ct);
        var heard = await silent.ReadToCloseAsync(ct);

        // The server's pings, then the hub's close message, then the WebSocket's close frame.
        Assert.Equal(6, heard[0]);
        Assert.Equal(7, heard[^1]);
        Assert.All(heard[..^1], type => Assert.Equal(6, type));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, silent.CloseStatus);
        // The one that pinged all along is still served: an invocation gets its completion.
        await pinging.SendAsync("""{"type":1,"invocationId":"1","target":"Echo","arguments":["still here"]}""", ct);
        var completion = await pinging.NextCompletionAsync(ct);
        Assert.Equal("1", completion.GetProperty("invocationId").GetString());
        Assert.Equal("still here", completion.GetProperty("result").GetString());
        await stopPinging.CancelAsync();
        await pings;
    }

    private static async Task PingAsync(RawHubSocket hub, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await hub.SendAsync("""{"type":6}""", ct);
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public sealed class EchoHub : Hub
    {
        public string Echo(string text) => text;
    }
}
