using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Jockey.Tests.Deployment;

/// <summary>Reading a compiled ARM template (what <c>bicep build</c> writes and Azure receives).</summary>
internal static partial class ArmTemplate
{
    /// <summary>The template's own resources. Bicep emits them as an array, or as an object keyed by symbolic name (languageVersion 2.0).</summary>
    public static IEnumerable<JsonNode> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonNode>(),
        JsonObject symbolic => symbolic.Select(entry => entry.Value).OfType<JsonNode>(),
        _ => [],
    };

    /// <summary>Resources of the template and of every module deployment inside it.</summary>
    public static IEnumerable<JsonNode> AllResources(JsonObject template) => Resources(template).SelectMany(resource =>
        resource["properties"]?["template"] is JsonObject nested ? [resource, .. AllResources(nested)] : new[] { resource });

    /// <summary>A property as deployed: a value that is only <c>[variables('name')]</c> is that variable's value.</summary>
    public static JsonNode? Resolve(JsonObject template, JsonNode? value) =>
        value is JsonValue && VariableReference().Match(value.ToString()) is { Success: true } reference
            ? template["variables"]?[reference.Groups[1].Value]
            : value;

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableReference();
}
