// Preferences of a Firefox device's profile, on top of Puppeteer's automation defaults. Each one says
// why it is here; anything about traffic keeps to the LAN rule in e2e/README.md.

export interface FirefoxPrefOptions {
  /** where "Save" puts files, without asking */
  downloadDir: string;
}

export function firefoxPrefs(o: FirefoxPrefOptions): Record<string, unknown> {
  return {
    // Puppeteer's own requirement for input dispatch from the main frame (see its FirefoxLauncher)
    'fission.webContentIsolationStrategy': 0,
    // real 10.99.X.* host candidates instead of .local names (as Chromium's devices are set up)
    'media.peerconnection.ice.obfuscate_host_addresses': false,
    // downloads land in the device's own folder, with no dialog and no panel
    'browser.download.folderList': 2,
    'browser.download.dir': o.downloadDir,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.start_downloads_in_tmp_dir': false,
    'browser.download.alwaysOpenPanel': false,
    'browser.download.panel.shown': true,
    // nothing leaves the LAN: no captive-portal probe, no connectivity check, no push service,
    // no remote settings, no telemetry, no OCSP (DNS fails inside the LAN anyway; this keeps it quiet)
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'dom.push.enabled': false,
    'services.settings.server': '',
    'toolkit.telemetry.enabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'network.dns.disableIPv6': true,
    'security.OCSP.enabled': 0,
  };
}
