using System.Net;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Processing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Jockey.Tests.Api;

/// <summary>Whose address a request's run budget is charged to, through ASP.NET's forwarded-headers middleware as the API configures it.</summary>
public sealed class ClientAddressTests
{
    private static async Task<string> ClientKeyAsync(string remote, string? forwardedFor, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        builder.AddHttpHardening();
        await using var services = builder.Services.BuildServiceProvider();
        HttpContext? passedOn = null;
        var middleware = new ForwardedHeadersMiddleware(context =>
        {
            passedOn = context;
            return Task.CompletedTask;
        }, NullLoggerFactory.Instance, services.GetRequiredService<IOptions<ForwardedHeadersOptions>>());
        var request = new DefaultHttpContext();
        request.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null) request.Request.Headers["X-Forwarded-For"] = forwardedFor;

        await middleware.Invoke(request);

        return ProcessRateLimiter.ClientKey(passedOn!);
    }

    [Theory]
    [InlineData("127.0.0.1", "198.51.100.7", "198.51.100.7")]
    [InlineData("::1", "198.51.100.7", "198.51.100.7")]
    [InlineData("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7")]
    [InlineData("127.0.0.1", null, "127.0.0.1")]
    [InlineData("203.0.113.9", "198.51.100.7", "203.0.113.9")]
    [InlineData("203.0.113.9", "127.0.0.1", "203.0.113.9")]
    public async Task By_default_only_a_loopback_proxy_is_believed_and_only_for_the_hop_it_added(string remote, string? forwardedFor, string client)
    {
        Assert.Equal(client, await ClientKeyAsync(remote, forwardedFor));
    }

    [Fact]
    public async Task Every_trusted_hop_of_a_configured_network_is_peeled_off_up_to_the_first_untrusted_address()
    {
        var client = await ClientKeyAsync("10.0.0.5", "6.6.6.6, 198.51.100.7, 10.0.1.4", ("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/16"));

        Assert.Equal("198.51.100.7", client);
    }

    [Fact]
    public async Task Configuring_proxies_replaces_the_loopback_default()
    {
        var settings = ("ForwardedHeaders:KnownProxies:0", "192.0.2.1");

        Assert.Equal("127.0.0.1", await ClientKeyAsync("127.0.0.1", "198.51.100.7", settings));
        Assert.Equal("198.51.100.7", await ClientKeyAsync("192.0.2.1", "198.51.100.7", settings));
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "ingress", "'ingress', which is not an IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99", "'10.0.0.0/99', which is not a CIDR range")]
    public async Task A_wrong_proxy_setting_is_refused_naming_it(string key, string value, string message)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration[key] = value;
        builder.AddHttpHardening();
        await using var services = builder.Services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value);
        Assert.Contains(message, failure.Message);
    }
}
