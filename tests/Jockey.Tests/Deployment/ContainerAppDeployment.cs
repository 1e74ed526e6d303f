using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Jockey.Tests.Deployment;

/// <summary>
/// One Container App as the compiled main template deploys it: a module deployment (infra/modules/container-app.bicep)
/// whose parameters carry the app's settings. Read from the ARM JSON, so it is what Azure would receive.
/// </summary>
internal sealed partial record ContainerAppDeployment(
    string ServiceName,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlySet<string> SecretNames,
    JsonObject Parameters,
    JsonObject Template)
{
    /// <summary>Every module deployment in <paramref name="main"/> that creates a Microsoft.App/containerApps resource.</summary>
    public static IReadOnlyList<ContainerAppDeployment> All(JsonObject main)
    {
        var mainParameters = main["parameters"]?.AsObject() ?? new JsonObject();
        return ArmTemplate.Resources(main)
            .Where(resource => (string?)resource["type"] == "Microsoft.Resources/deployments")
            .Select(deployment => (Parameters: deployment["properties"]!["parameters"]!.AsObject(),
                Template: deployment["properties"]!["template"]!.AsObject()))
            .Where(module => ArmTemplate.Resources(module.Template).Any(IsContainerApp))
            .Select(module => From(module.Parameters, module.Template, mainParameters))
            .ToList();
    }

    public JsonObject App => ArmTemplate.Resources(Template).Single(IsContainerApp).AsObject();

    public string? ParameterValue(string name) =>
        Parameters[name]?["value"]?.ToString() ?? Template["parameters"]?[name]?["defaultValue"]?.ToString();

    private static ContainerAppDeployment From(JsonObject parameters, JsonObject template, JsonObject mainParameters)
    {
        string? Value(string name) =>
            parameters[name]?["value"]?.ToString() ?? template["parameters"]?[name]?["defaultValue"]?.ToString();

        var settings = new Dictionary<string, string>();
        // Names the module itself puts in every app's environment (literals inside its env expression).
        var containerEnv = ArmTemplate.Resources(template).Single(IsContainerApp)["properties"]!["template"]!["containers"]![0]!["env"]!.ToJsonString();
        foreach (Match literal in ModuleEnvName().Matches(containerEnv))
        {
            settings[literal.Groups[1].Value] = "(set by the module)";
        }
        if (Value("portVariable") is { } portVariable)
        {
            settings[portVariable] = Value("targetPort") ?? "(target port)";
        }
        foreach (var (name, value) in parameters["env"]?["value"]?.AsObject() ?? new JsonObject())
        {
            if (IsProvided(value, mainParameters))
            {
                settings[name] = value!.ToString();
            }
        }
        var secrets = parameters["secrets"]?["value"]?.AsObject() ?? new JsonObject();
        foreach (var (name, secret) in parameters["protectedEnv"]?["value"]?.AsObject() ?? new JsonObject())
        {
            // A secret the module drops (empty) leaves its setting unset; one the app lacks is caught by its own test.
            if (secrets[secret!.ToString()] is not { } value || IsProvided(value, mainParameters))
            {
                settings[name] = $"secretref:{secret}";
            }
        }

        var secretNames = secrets.Select(secret => secret.Key).ToHashSet();
        return new ContainerAppDeployment(Value("serviceName") is { } service && !service.StartsWith('[') ? service : Value("name")!,
            settings, secretNames, parameters, template);
    }

    /// <summary>
    /// A value is provided unless it is empty: an empty literal, or a bare main-template parameter whose default is
    /// empty (the module drops empty settings, so e.g. Jockey__Url is only set when jockeyUrl is).
    /// </summary>
    private static bool IsProvided(JsonNode? value, JsonObject mainParameters)
    {
        var text = value?.ToString();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var parameter = BareParameter().Match(text);
        return !parameter.Success
            || mainParameters[parameter.Groups[1].Value]?["defaultValue"]?.ToString() is not "";
    }

    private static bool IsContainerApp(JsonNode? resource) =>
        (string?)resource?["type"] == "Microsoft.App/containerApps" && resource?["existing"] is null;

    [GeneratedRegex(@"createObject\('name', '([A-Za-z0-9_]+)'")]
    private static partial Regex ModuleEnvName();

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$")]
    private static partial Regex BareParameter();
}
