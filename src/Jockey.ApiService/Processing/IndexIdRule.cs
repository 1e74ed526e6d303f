using System.Text.RegularExpressions;
using Jockey.ApiService.Hosting;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Processing;

/// <summary>Which index ids requests may name (<c>Limits:IndexIdPattern</c>), and what a refused one is told.</summary>
public sealed class IndexIdRule(IOptions<LimitsOptions> limits)
{
    private readonly Regex _pattern = new(limits.Value.IndexIdPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public bool IsValid(string indexId) => _pattern.IsMatch(indexId);

    public static string Refusal(string indexId) =>
        $"index_id '{EchoedInput.Shorten(indexId)}' is not a valid index id (letters, digits, '-' and '_', at most 64).";
}
