using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Hosting;

/// <summary>
/// The proxies whose <c>X-Forwarded-For</c> is believed. Section <c>ForwardedHeaders</c>. A request from anywhere else
/// keeps its connection's address, whatever headers it sends — so a client cannot name itself a fresh address to
/// get a fresh run budget.
/// </summary>
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    /// <summary>Addresses of trusted proxies (e.g. <c>10.0.0.4</c>).</summary>
    /// <remarks>No initializers here or below: the configuration binder appends to an existing array.</remarks>
    public string[]? KnownProxies { get; set; }

    /// <summary>Ranges of trusted proxies in CIDR form (e.g. the Container Apps environment's subnet, <c>10.0.0.0/23</c>).</summary>
    public string[]? KnownNetworks { get; set; }

    /// <summary>With neither list set, only loopback is trusted: the web app's server on the same machine.</summary>
    /// <remarks>A method, not a property: validation reads every property, and this throws on the values it reports.</remarks>
    public IEnumerable<IPNetwork> GetTrustedNetworks() =>
        KnownProxies is null && KnownNetworks is null
            ? [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")]
            : [.. (KnownProxies ?? []).Select(IPAddress.Parse).Select(address => new IPNetwork(address, address.GetAddressBytes().Length * 8)),
               .. (KnownNetworks ?? []).Select(network => IPNetwork.Parse(network))];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var address in (KnownProxies ?? []).Where(address => !IPAddress.TryParse(address, out _)))
        {
            yield return new ValidationResult($"ForwardedHeaders:KnownProxies holds '{address}', which is not an IP address.", [nameof(KnownProxies)]);
        }
        foreach (var network in (KnownNetworks ?? []).Where(network => !IPNetwork.TryParse(network, out _)))
        {
            yield return new ValidationResult($"ForwardedHeaders:KnownNetworks holds '{network}', which is not a CIDR range such as 10.0.0.0/23.", [nameof(KnownNetworks)]);
        }
    }
}

public static class ClientAddressExtensions
{
    /// <summary>
    /// <c>Connection.RemoteIpAddress</c> becomes the client's address when the request came through trusted proxies:
    /// <c>X-Forwarded-For</c> is read from the right, each trusted hop peeled off, and the first untrusted address is
    /// the client. Entries left of it are whatever the client wrote and are ignored.
    /// </summary>
    public static IHostApplicationBuilder AddClientAddress(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersSettings>().BindConfiguration("ForwardedHeaders").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((forwarded, settings) =>
        {
            // The host too: the browser's origin is checked against it (CrossSiteSocketGuard), and the web server in
            // front changes Host to the API's own.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Browser → Container Apps ingress → web server → API is more than one hop; only trusted hops are peeled.
            forwarded.ForwardLimit = null;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in settings.Value.GetTrustedNetworks()) forwarded.KnownIPNetworks.Add(network);
        });
        return builder;
    }
}
