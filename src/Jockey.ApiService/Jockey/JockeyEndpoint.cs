using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Jockey;

/// <summary>
/// Where the agent really is. Requests go to <see cref="JockeyOptions.GetBaseUri"/> (service discovery resolves
/// <c>http://jockey</c>); messages and URL rewriting need the concrete address behind it.
/// </summary>
public sealed class JockeyEndpoint(IOptions<JockeyOptions> options, IConfiguration configuration)
{
    private readonly JockeyOptions _options = options.Value;

    public string DisplayUrl => (string.IsNullOrWhiteSpace(_options.Url) ? DiscoveredUrl : _options.Url).TrimEnd('/');

    public string FilesDisplayUrl => string.IsNullOrWhiteSpace(_options.FilesUrl) ? DisplayUrl : _options.FilesUrl.TrimEnd('/');

    public Uri FilesBaseUri => _options.GetFilesBaseUri();

    public bool IsLocalAgent => string.IsNullOrWhiteSpace(_options.Url);

    private string DiscoveredUrl =>
        configuration["services:jockey:http:0"] ?? configuration["services:jockey:https:0"] ?? JockeyOptions.DiscoveryUrl;

    /// <summary>
    /// Rewrites a URL on the agent's file server (<c>{files}/{index_id}/{file}</c>) to the same-origin proxy
    /// <c>/api/jockey/files/{index_id}/{file}</c>, so browsers never need to reach the agent. Other URLs pass unchanged.
    /// </summary>
    public string? ToProxyUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return url;
        foreach (var root in new[] { FilesDisplayUrl, DisplayUrl, JockeyOptions.DiscoveryUrl })
        {
            if (Uri.TryCreate(root + "/", UriKind.Absolute, out var rootUri)
                && rootUri.IsBaseOf(uri) && uri.Authority == rootUri.Authority)
            {
                var relative = uri.AbsolutePath[rootUri.AbsolutePath.Length..];
                return relative.Count(c => c == '/') >= 1 ? $"/api/jockey/files/{relative}{uri.Query}" : url;
            }
        }
        return url;
    }
}
