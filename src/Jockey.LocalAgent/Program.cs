using Jockey.LocalAgent;
using Jockey.LocalAgent.Access;
using Jockey.LocalAgent.Editing;
using Jockey.LocalAgent.Files;
using Jockey.LocalAgent.Graph;
using Jockey.LocalAgent.Library;
using Jockey.LocalAgent.Protocol;
using Jockey.LocalAgent.Search;

// The embedded default Jockey: the LangGraph HTTP API over a local video library (see docs/local-agent.md).
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddLocalAgentOptions();
builder.AddMediaLibrary();
builder.AddVideoSearch();
builder.AddVideoEditing();
builder.AddJockeyGraph();
builder.AddLangGraphProtocol();

var app = builder.Build();

app.UseAgentAccessGuard();
app.MapDefaultEndpoints();
app.MapLangGraphApi();
app.MapLibraryApi();
app.MapFilesApi();

app.Run();
