using Jockey.ApiService.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jockey.Tests.Auth;

/// <summary><c>Auth:*</c> is checked at start: a wrong setting fails naming it, and never quotes a key.</summary>
public sealed class AuthOptionsTests
{
    [Theory]
    [InlineData("key", null, "Auth:AccessKeys is empty")]
    [InlineData("key", "short-key", "Auth:AccessKeys:0 is shorter than 16 characters")]
    public async Task A_wrong_setting_is_refused_naming_it_without_quoting_the_key(string mode, string? key, string message)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Auth:Mode"] = mode;
        if (key is not null) builder.Configuration["Auth:AccessKeys:0"] = key;
        builder.AddAuth();
        await using var services = builder.Services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AuthOptions>>().Value);
        Assert.Contains(message, failure.Message);
        if (key is not null) Assert.DoesNotContain(key, failure.Message);
    }

    [Fact]
    public void Without_settings_the_mode_is_none()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddAuth();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Equal(AuthMode.None, services.GetRequiredService<IOptions<AuthOptions>>().Value.Mode);
    }

    [Fact]
    public void Each_key_is_a_user_of_its_own_named_after_neither_the_key_nor_its_place_in_the_list()
    {
        string[] keys = ["first-key-0123456789abcdef", "second-key-0123456789abcdef"];
        var forward = new AccessKeys(Options.Create(new AuthOptions { Mode = AuthMode.Key, AccessKeys = keys }));
        var reversed = new AccessKeys(Options.Create(new AuthOptions { Mode = AuthMode.Key, AccessKeys = [.. keys.Reverse()] }));

        var first = forward.Match(keys[0])!;
        Assert.NotEqual(first.Id, forward.Match(keys[1])!.Id);
        Assert.Equal(first.Id, reversed.Match(keys[0])!.Id);
        Assert.DoesNotContain("first", first.Id);
        Assert.Null(forward.Match("first-key-0123456789abcdeX"));
        Assert.Null(forward.Match(""));
    }
}
