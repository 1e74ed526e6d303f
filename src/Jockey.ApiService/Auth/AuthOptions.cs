using System.ComponentModel.DataAnnotations;

namespace Jockey.ApiService.Auth;

/// <summary>Who may use the deployment. Section <c>Auth</c> (docs/deploy.md, <i>Sign-in</i>).</summary>
public enum AuthMode
{
    /// <summary>Anyone who reaches the app may use it, as in local dev; the default.</summary>
    None,

    /// <summary>An access key from <see cref="AuthOptions.AccessKeys"/> signs a browser in; a session cookie keeps it signed in.</summary>
    Key,

    /// <summary>Microsoft Entra ID through Container Apps' built-in authentication, which sends the user as principal headers.</summary>
    Entra,
}

public sealed class AuthOptions : IValidatableObject
{
    public const int MinKeyLength = 16;

    public AuthMode Mode { get; set; } = AuthMode.None;

    /// <summary>
    /// Keys that sign a browser in (mode <c>key</c>); each one is a user of its own: its threads and run budget.
    /// In Azure they are Container Apps secrets. They are never logged.
    /// </summary>
    /// <remarks>No initializer: the configuration binder appends to an existing array.</remarks>
    public string[]? AccessKeys { get; set; }

    /// <summary>How long a sign-in lasts; the browser then asks for the key again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Signs session cookies and anti-forgery tokens; the same on every replica. Unset: a key is generated once per
    /// deployment and kept in Redis. Set it (or change it) to sign every browser out.
    /// </summary>
    [MinLength(32, ErrorMessage = "Auth:SessionSecret must be at least 32 characters (or unset, to keep a generated one in Redis).")]
    public string? SessionSecret { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var keys = AccessKeys ?? [];
        if (Mode == AuthMode.Key && keys.Length == 0)
        {
            yield return new ValidationResult("Auth:Mode is key but Auth:AccessKeys is empty: set at least one access key (Auth__AccessKeys__0).", [nameof(AccessKeys)]);
        }
        // Positions, never values: a key must not reach a log, even a start-up failure's.
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i].Length < MinKeyLength)
            {
                yield return new ValidationResult($"Auth:AccessKeys:{i} is shorter than {MinKeyLength} characters; use a long random key (e.g. `openssl rand -base64 24`).", [nameof(AccessKeys)]);
            }
        }
        if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Length)
        {
            yield return new ValidationResult("Auth:AccessKeys holds the same key twice; each key is a user of its own.", [nameof(AccessKeys)]);
        }
    }
}
