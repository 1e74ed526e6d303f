namespace Jockey.Tests.Deployment;

/// <summary>Auth:Mode at deploy time (docs/deploy.md, Sign-in): the azd variables reach a template that takes them in every mode.</summary>
public sealed class AuthBicepTests
{
    [Theory]
    [InlineData("none")]
    [InlineData("key")]
    [InlineData("entra")]
    public async Task Main_bicep_takes_the_auth_settings_of_each_mode_without_errors_or_warnings(string mode)
    {
        var compiled = await BicepCompiler.BuildParamsAsync(Repository.PathOf("tests", "Jockey.Tests", "Deployment", "AuthParameters", $"{mode}.bicepparam"));

        Assert.True(compiled.ExitCode == 0, $"bicep build-params failed:\n{string.Join('\n', compiled.Diagnostics)}");
        var findings = compiled.Diagnostics.Where(line => line.Contains(": Warning ") || line.Contains(": Error ")).ToList();
        Assert.True(findings.Count == 0, "bicep reported:\n" + string.Join('\n', findings));
    }

    [Fact]
    public async Task Entra_sign_in_is_the_web_apps_built_in_authentication_deployed_only_in_entra_mode()
    {
        var template = (await BicepCompiler.MainAsync()).Template!;

        var module = ArmTemplate.Resources(template).Single(resource => resource["name"]?.ToString() == "web-entra-auth");
        Assert.Equal("[equals(parameters('authMode'), 'entra')]", module["condition"]?.ToString());
        var authConfig = ArmTemplate.AllResources(module["properties"]!["template"]!.AsObject())
            .Single(resource => resource["type"]?.ToString() == "Microsoft.App/containerApps/authConfigs");
        Assert.Equal("AllowAnonymous", authConfig["properties"]!["globalValidation"]!["unauthenticatedClientAction"]!.ToString());
    }

    [Fact]
    public async Task The_api_reads_its_mode_from_the_deployment_and_each_access_key_from_a_secret_of_its_own()
    {
        var template = (await BicepCompiler.MainAsync()).Template!;
        var api = ContainerAppDeployment.All(template).Single(app => app.ServiceName == "apiservice");

        Assert.Equal("[parameters('authMode')]", api.Parameters["env"]!["value"]!["Auth__Mode"]!.ToString());
        var secrets = ArmTemplate.Resolve(template, api.Parameters["computedSecrets"]!["value"])!.ToString();
        var settings = ArmTemplate.Resolve(template, api.Parameters["computedProtectedEnv"]!["value"])!.ToString();
        Assert.Contains("auth-access-key-", secrets);
        Assert.Contains("Auth__AccessKeys__", settings);
    }
}
