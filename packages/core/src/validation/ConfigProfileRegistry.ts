export class ConfigProfileRegistry {}
