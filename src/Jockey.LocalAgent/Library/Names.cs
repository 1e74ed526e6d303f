using System.Text.RegularExpressions;

namespace Jockey.LocalAgent.Library;

/// <summary>
/// The only names that may reach the file system from a URL: one path segment of letters, digits, '.', '_' and '-',
/// starting with a letter or digit (so never "..", never a hidden temp file, never a separator).
/// </summary>
public static partial class Names
{
    public static bool IsSafe(string? name) => name is not null && SafeName().IsMatch(name) && !name.Contains("..");

    /// <summary>Turns any text into a safe name stem ("My Holiday!.mp4" → "my-holiday").</summary>
    public static string Slug(string text, int maxLength = 60)
    {
        var slug = Unsafe().Replace(text.ToLowerInvariant(), "-").Trim('-', '.', '_');
        if (slug.Length > maxLength) slug = slug[..maxLength].Trim('-', '.', '_');
        return slug.Length == 0 ? "video" : slug;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"[^a-z0-9_]+")]
    private static partial Regex Unsafe();
}
