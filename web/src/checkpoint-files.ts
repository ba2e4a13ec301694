// Where a checkpoint comes from on the page: the one shipped in web/public/checkpoint/ (fixed names, so
// replacing it is a copy) or the two files the user picks (config.json + model.safetensors).

export interface CheckpointFiles {
  readonly configJson: unknown;
  readonly weights: ArrayBuffer;
  readonly source: string;
}

export const SHIPPED_DIR = "./checkpoint";

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${r.statusText}`);
  return r;
}

export async function fetchShippedCheckpoint(): Promise<CheckpointFiles> {
  const [config, weights] = await Promise.all([fetchOk(`${SHIPPED_DIR}/config.json`), fetchOk(`${SHIPPED_DIR}/model.safetensors`)]);
  return { configJson: await config.json(), weights: await weights.arrayBuffer(), source: "shipped checkpoint" };
}

export async function readPickedCheckpoint(files: FileList): Promise<CheckpointFiles> {
  const list = [...files];
  const config = list.find((f) => f.name === "config.json") ?? list.find((f) => f.name.endsWith(".json"));
  const weights = list.find((f) => f.name === "model.safetensors") ?? list.find((f) => f.name.endsWith(".safetensors"));
  if (config === undefined || weights === undefined) {
    throw new Error(`pick both files of a checkpoint folder, config.json and model.safetensors (got ${list.map((f) => f.name).join(", ") || "nothing"})`);
  }
  let configJson: unknown;
  try {
    configJson = JSON.parse(await config.text());
  } catch (e) {
    throw new Error(`${config.name}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return { configJson, weights: await weights.arrayBuffer(), source: `${config.name} + ${weights.name}` };
}
