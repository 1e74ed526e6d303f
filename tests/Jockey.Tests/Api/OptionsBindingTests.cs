using Jockey.ApiService.Events;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Media;
using Jockey.ApiService.Processing;
using Jockey.ApiService.Streaming;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jockey.Tests.Api;

/// <summary>Each documented setting reaches its options class, and a wrong value is refused with the setting's name.</summary>
public sealed class OptionsBindingTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        builder.AddHttpHardening();
        builder.AddJockeyClient();
        builder.AddRuns();
        builder.AddMedia();
        builder.AddStreaming();
        return builder.Services.BuildServiceProvider();
    }

    [Fact]
    public void Documented_settings_bind_to_their_options()
    {
        using var services = Services(
            ("EventLog:PingInterval", "00:00:03"), ("EventLog:MaxEvents", "20000"), ("EventLog:Retention", "2.00:00:00"),
            ("Jockey:IdleTimeout", "00:00:30"), ("Jockey:StreamModes:0", "values"), ("Jockey:IndexId", "my-index"),
            ("Media:SasExpiry", "00:10:00"), ("Limits:MaxTextLength", "500"), ("Limits:ProcessPermits", "7"),
            ("Hub:KeepAliveInterval", "00:00:20"), ("Hub:ClientTimeoutInterval", "00:01:30"), ("Sockets:UnsafePreferInlineScheduling", "false"),
            ("Sockets:Backlog", "1024"));

        var eventLog = services.GetRequiredService<IOptions<EventLogOptions>>().Value;
        var jockey = services.GetRequiredService<IOptions<JockeyOptions>>().Value;
        var media = services.GetRequiredService<IOptions<MediaOptions>>().Value;
        var limits = services.GetRequiredService<IOptions<LimitsOptions>>().Value;
        var hub = services.GetRequiredService<IOptions<HubOptions>>().Value;
        var sockets = services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;

        Assert.Equal((TimeSpan.FromSeconds(3), 20000, TimeSpan.FromDays(2)), (eventLog.PingInterval, eventLog.MaxEvents, eventLog.Retention));
        Assert.Equal((TimeSpan.FromSeconds(30), "my-index"), (jockey.IdleTimeout, jockey.IndexId));
        Assert.Equal(["values"], jockey.EffectiveStreamModes);
        Assert.Equal(TimeSpan.FromMinutes(10), media.SasExpiry);
        Assert.Equal((500, 7), (limits.MaxTextLength, limits.ProcessPermits));
        Assert.Equal((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(90)), (hub.KeepAliveInterval, hub.ClientTimeoutInterval));
        Assert.Equal((false, 1024), (sockets.UnsafePreferInlineScheduling, sockets.Backlog));
    }

    /// <summary>
    /// Writes go to the socket on the writing thread, and the listen backlog asked for is past any kernel's cap (it then
    /// gets net.core.somaxconn, not Kestrel's 512), unless a deployment says otherwise (docs/benchmarks.md).
    /// </summary>
    [Fact]
    public void Sockets_send_where_the_write_is_made_and_ask_for_the_largest_backlog_by_default()
    {
        using var services = Services();
        var sockets = services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        Assert.True(sockets.UnsafePreferInlineScheduling);
        Assert.Equal(65_535, sockets.Backlog);
    }

    /// <summary>The hub's keep-alive is the one the web app and docs/api.md expect, not SignalR's (15 s / 30 s).</summary>
    [Fact]
    public void The_hub_pings_every_30_s_and_waits_60_s_for_a_client()
    {
        using var services = Services();
        var hub = services.GetRequiredService<IOptions<HubOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)), (hub.KeepAliveInterval, hub.ClientTimeoutInterval));
    }

    [Theory]
    [InlineData("EventLog:PingInterval", "00:00:00.5", "PingInterval")]
    [InlineData("Media:SasExpiry", "02:00:00", "SasExpiry")]
    [InlineData("Jockey:Url", "not a url", "Jockey:Url must be an absolute URL")]
    [InlineData("Jockey:StreamModes:0", "everything", "Jockey:StreamModes holds 'everything'")]
    [InlineData("Limits:MaxTextLength", "0", "MaxTextLength")]
    [InlineData("Hub:ClientTimeoutInterval", "00:00:10", "Hub:ClientTimeoutInterval longer than it")]
    public void A_wrong_setting_is_refused_naming_it(string key, string value, string message)
    {
        using var services = Services((key, value));
        var section = key.Split(':')[0];
        var failure = Assert.Throws<OptionsValidationException>(() => section switch
        {
            "EventLog" => (object)services.GetRequiredService<IOptions<EventLogOptions>>().Value,
            "Media" => services.GetRequiredService<IOptions<MediaOptions>>().Value,
            "Jockey" => services.GetRequiredService<IOptions<JockeyOptions>>().Value,
            "Hub" => services.GetRequiredService<IOptions<HubOptions>>().Value,
            _ => services.GetRequiredService<IOptions<LimitsOptions>>().Value,
        });
        Assert.Contains(message, failure.Message);
    }
}
