<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppController</name>
    <message>
        <location filename="../../app/gui/application.py" line="165"/>
        <source>Cannot create the case</source>
        <translation>无法创建案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="165"/>
        <source>Cannot open the case</source>
        <translation>无法打开案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="168"/>
        <source>Check the folder name. If the case is on a removable drive or network share, connect it and try again.</source>
        <translation>请检查文件夹名称。如果案件位于移动硬盘或网络共享上，请连接后重试。</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="171"/>
        <source>Nothing was changed in the case. Install the newer Proofshot that wrote it.</source>
        <translation>案件未作任何更改。请安装写入该案件的较新版本 Proofshot。</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="174"/>
        <source>Nothing was changed. Keep a copy of the folder as it is and ask for help; do not try to repair it by hand.</source>
        <translation>未作任何更改。请原样保留该文件夹的副本并寻求帮助；不要尝试手工修复。</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="196"/>
        <source>Nothing was written to the case. You can open it read-only to look at the evidence and verify it; changes (import, tags, notes, captures) are then disabled.</source>
        <translation>未向案件写入任何内容。您可以以只读方式打开它，查看并校验证据；此时导入、标签、备注和截屏等更改功能将被停用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="201"/>
        <source>The case cannot be opened for changes</source>
        <translation>无法以可修改方式打开案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="209"/>
        <source>Open read-only</source>
        <translation>以只读方式打开</translation>
    </message>
</context>
<context>
    <name>Attestation</name>
    <message>
        <location filename="../../app/gui/labels.py" line="38"/>
        <source>Attested</source>
        <translation>已加盖</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="39"/>
        <source>Pending</source>
        <translation>待处理</translation>
    </message>
</context>
<context>
    <name>CampaignPanel</name>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="354"/>
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="355"/>
        <source>Profile</source>
        <translation>配置方案</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="357"/>
        <source>OpenAI-compatible images API</source>
        <translation>OpenAI 兼容图像 API</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="358"/>
        <source>Generic JSON API (configuration file)</source>
        <translation>通用 JSON API（配置文件）</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="359"/>
        <source>Lumagen demo site</source>
        <translation>Lumagen 演示站点</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="363"/>
        <source>Endpoint</source>
        <translation>接口地址</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="364"/>
        <source>https://api.example.com</source>
        <translation>https://api.example.com</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="365"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="366"/>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="367"/>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="368"/>
        <location filename="../../app/gui/campaigns/panel.py" line="375"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="369"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="370"/>
        <source>leave empty to use the key in the keyring</source>
        <translation>留空则使用密钥环中的密钥</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="371"/>
        <source>Keep in the keyring</source>
        <translation>保存到密钥环</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="372"/>
        <source>Prompts</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="373"/>
        <location filename="../../app/gui/campaigns/panel.py" line="446"/>
        <source>Prompt file</source>
        <translation>提示词文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="374"/>
        <source>text (one prompt per line) or CSV</source>
        <translation>文本（每行一条提示词）或 CSV</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="376"/>
        <source>Tries per prompt</source>
        <translation>每条提示词尝试次数</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="377"/>
        <source>Requests at once</source>
        <translation>同时请求数</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="378"/>
        <source>Requests per second (0: no limit)</source>
        <translation>每秒请求数（0：不限制）</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="379"/>
        <source>Start a new campaign even if one is unfinished</source>
        <translation>即使有未完成的批量任务也新建批量任务</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="380"/>
        <source>Campaign</source>
        <translation>批量任务</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="381"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="399"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="399"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="420"/>
        <source>No key is stored for {origin}.</source>
        <translation>尚未为 {origin} 保存密钥。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="424"/>
        <source>A key is stored for {origin} (SHA-256 {fingerprint}…).</source>
        <translation>已为 {origin} 保存密钥（SHA-256 {fingerprint}…）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="440"/>
        <source>{count} prompts (SHA-256 {sha}…)</source>
        <translation>{count} 条提示词（SHA-256 {sha}…）</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="447"/>
        <source>Prompt lists (*.txt *.csv)</source>
        <translation>提示词列表 (*.txt *.csv)</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="447"/>
        <location filename="../../app/gui/campaigns/panel.py" line="455"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="454"/>
        <source>Profile configuration</source>
        <translation>配置方案文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="455"/>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="474"/>
        <source>Enter the platform&apos;s endpoint URL.</source>
        <translation>请输入平台的接口地址。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="477"/>
        <source>Choose a prompt file.</source>
        <translation>请选择提示词文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="482"/>
        <source>The generic profile needs a configuration file.</source>
        <translation>通用配置方案需要一个配置文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="487"/>
        <source>The configuration file cannot be read as JSON ({reason}).</source>
        <translation>无法将配置文件读取为 JSON（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="518"/>
        <source>Enter the API key for {origin}; it is kept in the system keyring, never in the case.</source>
        <translation>请输入 {origin} 的 API 密钥；密钥仅保存在系统密钥环中，绝不写入案件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="547"/>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="571"/>
        <source>Pausing: finishing the tries in flight…</source>
        <translation>正在暂停：等待进行中的尝试完成…</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="594"/>
        <source>Finished: all {planned} tries have a result; this run stored {outputs} image(s) and {failed} tries failed.</source>
        <translation>已完成：计划的 {planned} 次尝试均有结果；本次运行保存了 {outputs} 张图片，{failed} 次尝试失败。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="601"/>
        <source>Stopped: {reason} Nothing more was asked and no try was marked failed; fix the key or the endpoint and press Resume.</source>
        <translation>已停止：{reason} 未再发出任何请求，也未将任何尝试标记为失败；请修正密钥或接口地址后点击“继续”。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="608"/>
        <source>Paused: {finished} of {planned} tries finished. Press Resume to continue.</source>
        <translation>已暂停：已完成 {finished}/{planned} 次尝试。点击“继续”以接着运行。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="648"/>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="648"/>
        <source>unfinished</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="664"/>
        <source>No campaign yet.</source>
        <translation>尚无批量任务。</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="671"/>
        <source>{done} of {planned} tries done, {failed} failed; {outputs} outputs, {matching} matching a work (high {high}, medium {medium}) against {works} work(s).</source>
        <translation>已完成 {done}/{planned} 次尝试，{failed} 次失败；共 {outputs} 张生成图片，其中 {matching} 张与原创作品相似（高 {high}，中 {medium}），比对原创作品 {works} 件。</translation>
    </message>
</context>
<context>
    <name>CaptureDialog</name>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="246"/>
        <source>Save screen capture</source>
        <translation>保存屏幕截图</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="262"/>
        <source>{w} × {h} pixels, exactly as the screen delivered them, saved as PNG.</source>
        <translation>{w} × {h} 像素，与屏幕输出完全一致，保存为 PNG。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="272"/>
        <source>The capture is entirely black: this desktop may not allow applications to capture the screen (Wayland does this). Use the system screenshot tool and import the file instead.</source>
        <translation>截图全黑：该桌面环境可能不允许应用程序截屏（Wayland 即如此）。请改用系统截图工具，然后导入该文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="279"/>
        <source>The window in front could not be identified on this system, so the whole screen was captured.</source>
        <translation>在此系统上无法识别前台窗口，因此截取了整个屏幕。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="286"/>
        <source>Optional: the prompt you typed into the AI tool, copied here by hand.</source>
        <translation>可选：您在 AI 工具中输入的提示词，在此手工填写。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="293"/>
        <source>A prompt typed here is recorded as entered by you, not as captured from the tool; reports say so.</source>
        <translation>此处填写的提示词将记录为由您录入，而非从工具中采集；报告中会如实说明。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="298"/>
        <source>Tags, separated by commas</source>
        <translation>标签，以逗号分隔</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="300"/>
        <source>Prompt (entered by operator)</source>
        <translation>提示词（操作人员录入）</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="302"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>CaptureFlow</name>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="378"/>
        <location filename="../../app/gui/screen_capture.py" line="420"/>
        <source>Screen capture</source>
        <translation>屏幕截图</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="379"/>
        <source>This case is open read-only; a capture cannot be stored in it.</source>
        <translation>此案件以只读方式打开，无法保存截图。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="421"/>
        <source>The screen could not be captured on this system; nothing was stored.</source>
        <translation>在此系统上无法截取屏幕；未保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="450"/>
        <source>Capture not stored</source>
        <translation>截图未保存</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="440"/>
        <source>The screen could not be captured: {reason} Nothing was stored.</source>
        <translation>无法截取屏幕：{reason} 未存储任何内容。</translation>
    </message>
</context>
<context>
    <name>CaptureWorkspace</name>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="94"/>
        <source>Recording is unavailable: the browser&apos;s DevTools endpoint was not enabled when Proofshot started.</source>
        <translation>无法录制：Proofshot 启动时未启用浏览器的 DevTools 接口。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="99"/>
        <source>Connecting the recorder…</source>
        <translation>正在连接录制器…</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="119"/>
        <source>Back</source>
        <translation>后退</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="122"/>
        <source>Forward</source>
        <translation>前进</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="125"/>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="128"/>
        <source>Address of the AI site (https://…)</source>
        <translation>AI 网站地址（https://…）</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="130"/>
        <source>Go</source>
        <translation>转到</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="133"/>
        <source>Site account</source>
        <translation>网站账户</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="136"/>
        <source>Name the site account you use; it is recorded by name. Cookies and passwords stay in this browser&apos;s private memory and never enter the case.</source>
        <translation>请填写您使用的网站账户名称；仅记录其名称。Cookie 和密码只保存在本浏览器的私有内存中，绝不进入案件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="141"/>
        <location filename="../../app/gui/browser/workspace.py" line="376"/>
        <source>● Record</source>
        <translation>● 录制</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="144"/>
        <source>Record every exchange, the session video and the prompts you submit.</source>
        <translation>录制每一次网络交互、会话视频以及您提交的提示词。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="146"/>
        <source>Capture now</source>
        <translation>立即取证</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="149"/>
        <source>Store this page: full-page and visible screenshots, its HTML and MHTML, and every image shown, as the bytes the server sent.</source>
        <translation>保存此页面：整页截图与可见区域截图、HTML 和 MHTML，以及页面显示的每张图片（按服务器发送的原始字节保存）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="154"/>
        <source>Mark last capture as…</source>
        <translation>将上次取证标记为…</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="199"/>
        <source>Confirm binding</source>
        <translation>确认关联</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="200"/>
        <source>Remove output</source>
        <translation>移除生成图片</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="201"/>
        <source>Add output…</source>
        <translation>添加生成图片…</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="202"/>
        <source>Note on prompt…</source>
        <translation>提示词备注…</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="211"/>
        <source>&lt;b&gt;Generations&lt;/b&gt; — each prompt and the images it produced</source>
        <translation>&lt;b&gt;生成记录&lt;/b&gt; — 每条提示词及其生成的图片</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="214"/>
        <source>Prompt (verbatim, as sent)</source>
        <translation>提示词（逐字记录，与发送内容一致）</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="217"/>
        <source>Outputs (bytes as served)</source>
        <translation>生成图片（按服务器返回的原始字节）</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="311"/>
        <source>Ready. Recording is off.</source>
        <translation>就绪。录制未开启。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="358"/>
        <source>Starting the recording (environment record, clock check)…</source>
        <translation>正在开始录制（环境记录、时钟校验）…</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="362"/>
        <source>Stopping: storing the video and the web archive…</source>
        <translation>正在停止：保存视频和网页存档…</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="368"/>
        <source>■ Stop recording</source>
        <translation>■ 停止录制</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="370"/>
        <source>Recording session {id}.</source>
        <translation>正在录制会话 {id}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="380"/>
        <source>Session stored as capture {id}: {n} exchanges, {g} generation(s), video and web archive.</source>
        <translation>会话已保存为取证记录 {id}：{n} 次网络交互、{g} 条生成记录、视频和网页存档。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="383"/>
        <source>Problems: {p}</source>
        <translation>问题：{p}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="395"/>
        <source>Capturing the page…</source>
        <translation>正在对页面取证…</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="404"/>
        <source>Captured “{title}” as capture {id}: screenshots, HTML, MHTML and {n} image(s) in {s:.1f} s.</source>
        <translation>已将“{title}”保存为取证记录 {id}：截图、HTML、MHTML 及 {n} 张图片，用时 {s:.1f} 秒。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="424"/>
        <source>Capture {id} marked as the platform&apos;s {role}.</source>
        <translation>取证记录 {id} 已标记为平台的{role}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="445"/>
        <source>A download did not complete: {url}</source>
        <translation>有一个下载未完成：{url}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="452"/>
        <source>Kept the downloaded file as item {id}.</source>
        <translation>已将下载的文件保存为证据项 {id}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="465"/>
        <source>Generation recorded: {n} output(s), bound by {b}.</source>
        <translation>已记录生成：{n} 张生成图片，关联依据：{b}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="474"/>
        <source>The page tried to open a pop-up window; Proofshot keeps one tab per session, so it was not opened. &lt;a href=&quot;{url}&quot;&gt;Open {short} here&lt;/a&gt;</source>
        <translation>页面试图打开弹出窗口；Proofshot 每个会话只保留一个标签页，因此未打开。&lt;a href=&quot;{url}&quot;&gt;在此处打开 {short}&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="480"/>
        <source>The page started a download: {url}</source>
        <translation>页面开始了一个下载：{url}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="484"/>
        <source>The recorder lost its connection to the browser.</source>
        <translation>录制器与浏览器的连接已断开。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="547"/>
        <source>No generation recorded yet. Turn on Record and submit a prompt.</source>
        <translation>尚未记录任何生成。请开启录制并提交提示词。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="553"/>
        <source>Negative prompt: {v}</source>
        <translation>反向提示词：{v}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="556"/>
        <source>Sent to: {url}</source>
        <translation>发送至：{url}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="557"/>
        <source>Submitted {a} · returned {b}</source>
        <translation>提交于 {a} · 返回于 {b}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="560"/>
        <source>Job id: {j}</source>
        <translation>任务 ID：{j}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="561"/>
        <source>Bound by: {b}</source>
        <translation>关联依据：{b}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="566"/>
        <source>As typed in the page: {v}</source>
        <translation>页面中输入的内容：{v}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="576"/>
        <source>Operator review (kept beside the record):</source>
        <translation>操作人员审核（与记录一并保存）：</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="588"/>
        <source>Not yet reviewed by the operator.</source>
        <translation>操作人员尚未审核。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="615"/>
        <source>Select the output to remove first.</source>
        <translation>请先选择要移除的生成图片。</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="623"/>
        <source>Id of the item that is also an output of this prompt:</source>
        <translation>同样属于此提示词生成图片的证据项 ID：</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="629"/>
        <source>Note on the prompt (kept beside the record):</source>
        <translation>提示词备注（与记录一并保存）：</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="652"/>
        <source>Problem: {t}</source>
        <translation>问题：{t}</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="690"/>
        <source>Terms of service</source>
        <translation>服务条款</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="691"/>
        <source>AI labelling statement</source>
        <translation>AI 生成内容标识声明</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="692"/>
        <source>Complaint page</source>
        <translation>投诉页面</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="693"/>
        <source>Home page</source>
        <translation>首页</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="694"/>
        <source>Recommendation page</source>
        <translation>推荐页面</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="695"/>
        <source>Model page</source>
        <translation>模型页面</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="701"/>
        <source>the prompt&apos;s own response named these images</source>
        <translation>该提示词自身的响应指明了这些图片</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="704"/>
        <source>the job id of the prompt&apos;s response</source>
        <translation>该提示词响应中的任务 ID</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="707"/>
        <source>time only (images that followed the prompt) — please review</source>
        <translation>仅依据时间（提示词之后返回的图片）— 请审核</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="710"/>
        <source>no images came back</source>
        <translation>未返回任何图片</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="716"/>
        <source>confirmed the binding</source>
        <translation>确认了关联</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="717"/>
        <source>added output item</source>
        <translation>添加了生成图片证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="718"/>
        <source>removed output item</source>
        <translation>移除了生成图片证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="719"/>
        <source>noted on the prompt</source>
        <translation>对提示词作了备注</translation>
    </message>
    <message>
        <location filename="../../app/gui/browser/workspace.py" line="207"/>
        <source>&lt;b&gt;Not seen&lt;/b&gt; — problems of the last session</source>
        <translation>&lt;b&gt;未见&lt;/b&gt; — 上次会话的问题</translation>
    </message>
</context>
<context>
    <name>CompareWorkspace</name>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="411"/>
        <source>Output:</source>
        <translation>生成图片：</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="412"/>
        <source>Original work:</source>
        <translation>原创作品：</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="413"/>
        <source>The image to compare (captures, imports, outputs)</source>
        <translation>要比对的图片（取证、导入、生成图片）</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="415"/>
        <source>The case&apos;s original works, ranked by the similarity engine for this output</source>
        <translation>案件中的原创作品，按相似度引擎对该生成图片的排名排列</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="526"/>
        <source>Failed: {reason}</source>
        <translation>失败：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="559"/>
        <source>This case has no original works yet: add them (proofshot works add) to compare outputs with them.</source>
        <translation>此案件尚无原创作品：请先添加（proofshot works add），才能将生成图片与其比对。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="601"/>
        <source>Ranking the works for {item}…</source>
        <translation>正在为 {item} 排列原创作品…</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="629"/>
        <source>not ranked</source>
        <translation>未排名</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="643"/>
        <source>This output cannot be compared: {reason}</source>
        <translation>无法比对此生成图片：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="649"/>
        <source>Likely match: {title} (band {band}).</source>
        <translation>可能匹配：{title}（等级 {band}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="654"/>
        <source>No likely match among the case&apos;s works.</source>
        <translation>案件的原创作品中没有可能匹配的作品。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="687"/>
        <source>Comparing…</source>
        <translation>正在比对…</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="748"/>
        <source>CANNOT COMPARE</source>
        <translation>无法比对</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="751"/>
        <source>No score is given for this pair; the reason is below.</source>
        <translation>此组图片不给出分数；原因见下方。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="755"/>
        <source>Band {band} · score {score}</source>
        <translation>等级 {band} · 分数 {score}</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="761"/>
        <source>{sentence} (a score from 0 to 1 computed from the stored files).</source>
        <translation>{sentence}（分数范围 0 到 1，根据所保存的文件计算）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/workspace.py" line="796"/>
        <source>Engine {engine}. Measured on the stored files; the evidence is not changed.</source>
        <translation>引擎 {engine}。基于所保存的文件测量；证据未被改动。</translation>
    </message>
</context>
<context>
    <name>ChartEditor</name>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="137"/>
        <source>Comparison chart (demonstrative)</source>
        <translation>比对图表（演示性）</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="138"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="139"/>
        <source>New element</source>
        <translation>新建要素</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="141"/>
        <source>Add a numbered element; then drag on each picture to mark it</source>
        <translation>添加一个编号要素；然后在每幅图片上拖动以标出它</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="143"/>
        <source>Mark on pictures</source>
        <translation>在图片上标注</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="145"/>
        <source>Drag on the original or the output to mark the selected element&apos;s region</source>
        <translation>在原作品或生成图片上拖动，标出所选要素的区域</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="149"/>
        <source>Delete element</source>
        <translation>删除要素</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="151"/>
        <source>Demonstrative: saved beside the evidence and logged; the images are never changed. Saving again makes a new version; the earlier one stays in the log.</source>
        <translation>演示性材料：与证据一并保存并记入日志；图片本身绝不会被修改。再次保存会生成新版本，旧版本仍保留在日志中。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="156"/>
        <source>Save chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="147"/>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="147"/>
        <source>Ellipse</source>
        <translation>椭圆</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="147"/>
        <source>Arrow</source>
        <translation>箭头</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="222"/>
        <source>Item #{item} compared with “{title}”</source>
        <translation>证据项 #{item} 与“{title}”比对</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="230"/>
        <source>Unsaved changes.</source>
        <translation>有未保存的更改。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="238"/>
        <source>The case is open read-only: charts cannot be saved.</source>
        <translation>案件以只读方式打开：无法保存图表。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="203"/>
        <source>No chart saved yet.</source>
        <translation>尚未保存图表。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="201"/>
        <source>Chart {id}, saved.</source>
        <translation>图表 {id} 已保存。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="336"/>
        <source>Saved as chart {id}, replacing chart {old}.</source>
        <translation>已保存为图表 {id}，取代图表 {old}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/chart_editor.py" line="340"/>
        <source>Saved as chart {id}.</source>
        <translation>已保存为图表 {id}。</translation>
    </message>
</context>
<context>
    <name>PairViewer</name>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="228"/>
        <source>Matched points</source>
        <translation>匹配点</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="230"/>
        <source>Show the points the engine matched, and lines joining each pair</source>
        <translation>显示引擎匹配的特征点及连接每对点的线</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="232"/>
        <source>Link zoom and pan</source>
        <translation>联动缩放和平移</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="234"/>
        <source>Zoom and pan both pictures together, keeping the same spot in view</source>
        <translation>两幅图片一起缩放和平移，保持显示同一位置</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="236"/>
        <source>Zoom in (Ctrl+wheel)</source>
        <translation>放大（Ctrl+滚轮）</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="237"/>
        <source>Zoom out (Ctrl+wheel)</source>
        <translation>缩小（Ctrl+滚轮）</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="238"/>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="239"/>
        <source>Fit the pictures in the view</source>
        <translation>使图片适应视图</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="240"/>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="241"/>
        <source>One screen pixel per displayed pixel</source>
        <translation>一个屏幕像素对应一个图像像素</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="380"/>
        <source>The output is placed on the original by the engine&apos;s alignment.</source>
        <translation>生成图片已按引擎的对齐结果叠放在原作品上。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="382"/>
        <source>No alignment was found: the output is only scaled into the original&apos;s frame, not matched to it.</source>
        <translation>未找到对齐关系：生成图片只是缩放至原作品的画幅内，并未与之匹配。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="388"/>
        <source>{placement} The slider sets the output&apos;s opacity.</source>
        <translation>{placement} 滑块调节生成图片的不透明度。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="211"/>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="211"/>
        <source>Original and output side by side</source>
        <translation>原作品与生成图片并排显示</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="213"/>
        <source>Overlay</source>
        <translation>叠加</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="214"/>
        <source>The output placed on the original; the slider sets its opacity</source>
        <translation>将生成图片叠加在原作品上；滑块调节其不透明度</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="217"/>
        <source>Swipe</source>
        <translation>滑动对比</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="218"/>
        <source>Original left of the line, output right of it; drag to move the line</source>
        <translation>分隔线左侧为原作品，右侧为生成图片；拖动可移动分隔线</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="221"/>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="222"/>
        <source>Where the aligned pictures differ: dark is the same, bright is different</source>
        <translation>对齐后两图不同之处：暗处相同，亮处不同</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="316"/>
        <source>Original work</source>
        <translation>原创作品</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="317"/>
        <source>Output</source>
        <translation>生成图片</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="390"/>
        <source>{placement} Left of the white line: the original; right of it: the output.</source>
        <translation>{placement} 白线左侧为原作品，右侧为生成图片。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="394"/>
        <source>{placement} Dark: the same after alignment; bright: different; hatched: outside the output. Mean difference {mean} of 255.</source>
        <translation>{placement} 暗处：对齐后相同；亮处：不同；斜线区域：生成图片范围之外。平均差异 {mean}（满分 255）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="320"/>
        <source> · reg. {number}</source>
        <translation> · 登记号 {number}</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="325"/>
        <source>Original — work {id}: {title}{reg}</source>
        <translation>原作品 — 作品 {id}：{title}{reg}</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="330"/>
        <source>Output — item #{id} · SHA-256 {sha}…</source>
        <translation>生成图片 — 证据项 #{id} · SHA-256 {sha}…</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="367"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/pair_viewer.py" line="367"/>
        <source>Divider</source>
        <translation>分隔线</translation>
    </message>
</context>
<context>
    <name>CustodyLogPane</name>
    <message numerus="yes">
        <location filename="../../app/gui/custody_view.py" line="92"/>
        <source>%n event(s) in the custody log; each links to the hash of the one before.</source>
        <translation>
            <numerusform>保管链日志共 %n 条事件；每条都链接到前一条的哈希值。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="103"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="104"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="105"/>
        <source>Actor</source>
        <translation>操作者</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="106"/>
        <source>Item</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="107"/>
        <source>Hash</source>
        <translation>哈希值</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="108"/>
        <source>Previous hash</source>
        <translation>前一哈希值</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="130"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="131"/>
        <source>Go to latest</source>
        <translation>转到最新</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="132"/>
        <source>Double-click an event to show its item.</source>
        <translation>双击事件可显示其对应的证据项。</translation>
    </message>
</context>
<context>
    <name>ElementModel</name>
    <message>
        <location filename="../../app/gui/compare/elements.py" line="110"/>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/elements.py" line="111"/>
        <source>Shared element</source>
        <translation>共同要素</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/elements.py" line="112"/>
        <source>Original</source>
        <translation>原作品</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/elements.py" line="113"/>
        <source>Output</source>
        <translation>生成图片</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/elements.py" line="121"/>
        <source>rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/elements.py" line="122"/>
        <source>ellipse</source>
        <translation>椭圆</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/elements.py" line="123"/>
        <source>arrow</source>
        <translation>箭头</translation>
    </message>
    <message>
        <location filename="../../app/gui/compare/elements.py" line="139"/>
        <source>(describe the element)</source>
        <translation>（描述该要素）</translation>
    </message>
</context>
<context>
    <name>EventTableModel</name>
    <message>
        <location filename="../../app/gui/models.py" line="281"/>
        <source>Seq</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="282"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="283"/>
        <source>Actor</source>
        <translation>操作者</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="284"/>
        <source>Action</source>
        <translation>动作</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="285"/>
        <source>Item</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="286"/>
        <source>Hash</source>
        <translation>哈希值</translation>
    </message>
</context>
<context>
    <name>EvidencePane</name>
    <message>
        <location filename="../../app/gui/evidence_view.py" line="546"/>
        <source>No items to show.

Import files with File ▸ Import (Ctrl+I), drop files or folders here, or take a screen capture. If a filter is set, clear it.</source>
        <translation>没有可显示的证据项。

可通过“文件 ▸ 导入”（Ctrl+I）导入文件，将文件或文件夹拖放到此处，或进行屏幕截图。如已设置筛选条件，请将其清除。</translation>
    </message>
</context>
<context>
    <name>ExhibitKinds</name>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="78"/>
        <source>Original work</source>
        <translation>原创作品</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="79"/>
        <source>Platform page</source>
        <translation>平台页面</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="80"/>
        <source>Web capture</source>
        <translation>网页取证</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="81"/>
        <source>Generation</source>
        <translation>生成记录</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="82"/>
        <source>Evidence item</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="83"/>
        <source>Comparison chart (demonstrative)</source>
        <translation>比对图表（演示性）</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="192"/>
        <source>Export court bundle</source>
        <translation>导出诉讼证据包</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="193"/>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="194"/>
        <source>Exhibits in the bundle</source>
        <translation>证据包中的证据</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="196"/>
        <source>Profile:</source>
        <translation>方案：</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="197"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="198"/>
        <source>Only items tagged:</source>
        <translation>仅含以下标签的证据项：</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="199"/>
        <source>Bates prefix:</source>
        <translation>贝茨编号前缀：</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="200"/>
        <source>Paper:</source>
        <translation>纸张：</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="201"/>
        <source>Largest file:</source>
        <translation>单个文件上限：</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="202"/>
        <source>Sign with (P12):</source>
        <translation>签名证书（P12）：</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="209"/>
        <source>Filing PDF and archive</source>
        <translation>提交用 PDF 及存档</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="210"/>
        <source>Filing PDF only</source>
        <translation>仅提交用 PDF</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="211"/>
        <source>Archive only</source>
        <translation>仅存档</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="217"/>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="218"/>
        <source>Chinese (Simplified)</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="219"/>
        <source>English and Chinese</source>
        <translation>中英双语</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="222"/>
        <source>US Letter</source>
        <translation>美国信纸（Letter）</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="222"/>
        <source>A4</source>
        <translation>A4</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="224"/>
        <source>Comma-separated tags; leave empty to export every item of the case.</source>
        <translation>以逗号分隔的标签；留空则导出案件中的全部证据项。</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="228"/>
        <source>The filing PDF is split into volumes no larger than this (court upload limits).</source>
        <translation>提交用 PDF 会拆分为不超过此大小的分册（法院上传限制）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="231"/>
        <source>No digital signature</source>
        <translation>不加数字签名</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="233"/>
        <source>Its passphrase is read from the system keyring, never typed here.</source>
        <translation>其口令从系统密钥环读取，绝不在此输入。</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="235"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="236"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="239"/>
        <source>Exhibit</source>
        <translation>证据编号</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="240"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="241"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="242"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="243"/>
        <source>Items</source>
        <translation>证据项数</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="254"/>
        <source>Signing certificate</source>
        <translation>签名证书</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="254"/>
        <source>PKCS#12 files (*.p12 *.pfx)</source>
        <translation>PKCS#12 文件 (*.p12 *.pfx)</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="289"/>
        <source>Listing the exhibits…</source>
        <translation>正在列出证据…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/export_dialog.py" line="323"/>
        <source>%n exhibit(s) will be numbered in the bundle.</source>
        <translation>
            <numerusform>证据包中将编号 %n 项证据。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="325"/>
        <source>No item matches these options; nothing would be exported.</source>
        <translation>没有证据项符合这些选项；不会导出任何内容。</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="339"/>
        <source>Cannot list the exhibits: {reason}</source>
        <translation>无法列出证据：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="352"/>
        <source>Cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="357"/>
        <source>Exporting</source>
        <translation>正在导出</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="358"/>
        <source>Preparing the export…</source>
        <translation>正在准备导出…</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="359"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="381"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="411"/>
        <source>The bundle was not exported</source>
        <translation>证据包未导出</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/export_dialog.py" line="428"/>
        <source>Exported %n exhibit(s).</source>
        <translation>
            <numerusform>已导出 %n 项证据。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="430"/>
        <source>{pages} page(s); custody event #{seq}; the case verified {state}.</source>
        <translation>共 {pages} 页；保管链日志事件 #{seq}；案件校验结果：{state}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="434"/>
        <source>intact</source>
        <translation>完整</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="434"/>
        <source>NOT intact</source>
        <translation>不完整</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="439"/>
        <source>Bundle exported</source>
        <translation>证据包已导出</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="448"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="103"/>
        <source>Search prompts, URLs, notes…</source>
        <translation>搜索提示词、网址、备注…</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="106"/>
        <source>Finds items whose prompt, metadata, source URL, notes or tags contain the text.</source>
        <translation>查找提示词、元数据、来源网址、备注或标签中包含该文本的证据项。</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="109"/>
        <source>Any tag</source>
        <translation>任意标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="113"/>
        <source>Any kind</source>
        <translation>任意类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="122"/>
        <source>Attested or not</source>
        <translation>时间戳：全部</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="123"/>
        <source>Attested</source>
        <translation>已加盖时间戳</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="124"/>
        <source>Not yet attested</source>
        <translation>尚未加盖</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="127"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="128"/>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="129"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="130"/>
        <source>Show every item again</source>
        <translation>重新显示全部证据项</translation>
    </message>
</context>
<context>
    <name>ImportFlow</name>
    <message>
        <location filename="../../app/gui/import_flow.py" line="117"/>
        <source>Import files</source>
        <translation>导入文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="120"/>
        <source>Import a folder</source>
        <translation>导入文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="150"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="151"/>
        <source>this case is open read-only</source>
        <translation>此案件以只读方式打开</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="156"/>
        <source>Importing</source>
        <translation>正在导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="157"/>
        <source>Finding files…</source>
        <translation>正在查找文件…</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="158"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="174"/>
        <source>Imported %n of {total} file(s)…</source>
        <translation>
            <numerusform>已导入 %n / {total} 个文件…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="193"/>
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="206"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>ImportSummaryDialog</name>
    <message>
        <location filename="../../app/gui/import_flow.py" line="55"/>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="61"/>
        <source>Imported: %n new item(s).</source>
        <translation>
            <numerusform>已导入：%n 个新证据项。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="63"/>
        <source>Already in the case (duplicates, logged as seen again): %n.</source>
        <translation>
            <numerusform>案件中已有（重复项，已记录为再次出现）：%n 个。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="65"/>
        <source>Refused: %n file(s), listed below with the reason.</source>
        <translation>
            <numerusform>已拒绝：%n 个文件，原因列于下方。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="68"/>
        <source>The import was cancelled; every file recorded before that is kept and logged.</source>
        <translation>导入已取消；取消前已记录的文件均已保留并记入日志。</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="71"/>
        <source>The import stopped: {error}</source>
        <translation>导入已中止：{error}</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="75"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="75"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <location filename="../../app/gui/inspector_sections.py" line="377"/>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector_sections.py" line="404"/>
        <source>Conflicting records</source>
        <translation>相互矛盾的记录</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector_sections.py" line="422"/>
        <source>Further prompts</source>
        <translation>其他提示词</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="283"/>
        <source>Item #{id} · {kind}</source>
        <translation>证据项 #{id} · {kind}</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="285"/>
        <source>withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="294"/>
        <source>Attested: a trusted timestamp covers this item&apos;s SHA-256.</source>
        <translation>已加盖时间戳：可信时间戳覆盖该证据项的 SHA-256。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="298"/>
        <source>Pending: no trusted timestamp yet. Proofshot requests one when a timestamp authority can be reached; until then the acquisition time is the computer&apos;s clock.</source>
        <translation>待处理：尚无可信时间戳。能够连接时间戳服务机构时，Proofshot 会申请时间戳；在此之前，获取时间为本机时钟时间。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="312"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="313"/>
        <source>Media type</source>
        <translation>媒体类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="314"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="317"/>
        <source>Dimensions</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="319"/>
        <source>Acquired</source>
        <translation>获取时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="320"/>
        <source>Acquired (UTC)</source>
        <translation>获取时间（UTC）</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="321"/>
        <source>Computer&apos;s offset</source>
        <translation>本机时区偏移</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="322"/>
        <source>Operator</source>
        <translation>操作人员</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="323"/>
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="324"/>
        <source>Tool</source>
        <translation>工具</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="325"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="328"/>
        <source>Derived from</source>
        <translation>派生自</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="333"/>
        <source>Media note</source>
        <translation>媒体说明</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="335"/>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="346"/>
        <source>Generator</source>
        <translation>生成器</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="347"/>
        <source>Generator parameters</source>
        <translation>生成参数</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="348"/>
        <source>present</source>
        <translation>存在</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="349"/>
        <source>AI labels</source>
        <translation>AI 标识</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="350"/>
        <source>Looked for, not present</source>
        <translation>已检查、未发现</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="351"/>
        <source>Problems reading the metadata</source>
        <translation>读取元数据时的问题</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="352"/>
        <source>No tags yet.</source>
        <translation>暂无标签。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="353"/>
        <source>No notes yet.</source>
        <translation>暂无备注。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="360"/>
        <source>none found</source>
        <translation>未发现</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="367"/>
        <source>No prompt found in the file.</source>
        <translation>文件中未发现提示词。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="369"/>
        <source>No negative prompt found in the file.</source>
        <translation>文件中未发现反向提示词。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="406"/>
        <source>signed by</source>
        <translation>签名者</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="435"/>
        <source>No provenance was extracted for this item.</source>
        <translation>未从该证据项中提取到来源信息。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="444"/>
        <source>Remove this tag</source>
        <translation>移除此标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="468"/>
        <source>Correction</source>
        <translation>更正</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="468"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="470"/>
        <source>Prompt entered by the operator (not captured)</source>
        <translation>操作人员录入的提示词（非采集所得）</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="492"/>
        <source>No preview: this item is {type}, not a picture.</source>
        <translation>无预览：该证据项为 {type}，不是图片。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="498"/>
        <source>Loading preview…</source>
        <translation>正在加载预览…</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="526"/>
        <source>Preview scaled to {w} × {h}; the original is {ow} × {oh} and is unchanged.</source>
        <translation>预览已缩放至 {w} × {h}；原件为 {ow} × {oh}，未作任何改动。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="529"/>
        <source>Preview decoded from the original at full resolution.</source>
        <translation>预览由原件按完整分辨率解码。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="543"/>
        <source>Tag not added</source>
        <translation>标签未添加</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="556"/>
        <source>Tag not removed</source>
        <translation>标签未移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="578"/>
        <source>Note not added</source>
        <translation>备注未添加</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="586"/>
        <source>Hashes</source>
        <translation>哈希值</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="588"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="589"/>
        <source>Copy this hash to the clipboard</source>
        <translation>将此哈希值复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="590"/>
        <source>Acquisition</source>
        <translation>获取信息</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="591"/>
        <source>Provenance found in the file</source>
        <translation>文件中的来源信息</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="592"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="593"/>
        <source>Negative prompt</source>
        <translation>反向提示词</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="595"/>
        <source>Prompt entered by the operator (typed in by hand, not captured)</source>
        <translation>操作人员录入的提示词（手工输入，非采集所得）</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="597"/>
        <source>Trusted timestamp</source>
        <translation>可信时间戳</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="598"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="599"/>
        <source>Add a tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="600"/>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="601"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="602"/>
        <source>Write a note about this item…</source>
        <translation>为该证据项撰写备注…</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="603"/>
        <source>This note corrects the record</source>
        <translation>此备注为对记录的更正</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="604"/>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="605"/>
        <source>This item&apos;s custody events</source>
        <translation>该证据项的保管链事件</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="606"/>
        <source>Select an item to see its details.</source>
        <translation>选择一个证据项以查看详情。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="456"/>
        <source>AI origin stated in an ingredient manifest</source>
        <translation>成分清单中声明的 AI 来源</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="475"/>
        <source>Shown prompt is from {source}; rule: {rule}.</source>
        <translation>所示提示词来自 {source}；规则：{rule}。</translation>
    </message>
</context>
<context>
    <name>ItemTableModel</name>
    <message>
        <location filename="../../app/gui/models.py" line="42"/>
        <source>Item</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="43"/>
        <source>Acquired</source>
        <translation>获取时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="44"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="45"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="46"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="47"/>
        <source>Attested</source>
        <translation>时间戳</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="48"/>
        <source>Type</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="49"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="247"/>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
</context>
<context>
    <name>Kinds</name>
    <message>
        <location filename="../../app/gui/labels.py" line="19"/>
        <source>Imported file</source>
        <translation>导入的文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="20"/>
        <source>Screenshot</source>
        <translation>屏幕截图</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="21"/>
        <source>Web capture</source>
        <translation>网页采集</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="22"/>
        <source>Page HTML</source>
        <translation>网页 HTML</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="23"/>
        <source>Page archive (MHTML)</source>
        <translation>网页存档（MHTML）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="24"/>
        <source>Environment record</source>
        <translation>环境记录</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="25"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="26"/>
        <source>Web archive</source>
        <translation>网络存档</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="27"/>
        <source>Original work</source>
        <translation>原作品</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="28"/>
        <source>Licence document</source>
        <translation>授权文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="29"/>
        <source>API exchange</source>
        <translation>API 交互</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="30"/>
        <source>Derived image</source>
        <translation>派生图像</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="31"/>
        <source>Campaign prompt list</source>
        <translation>批量任务提示词列表</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="1"/>
        <source>Study review</source>
        <translation>复现实验评审</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="339"/>
        <source>Case: {title} — {path}</source>
        <translation>案件：{title} — {path}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="345"/>
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n 个证据项</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="347"/>
        <source>{shown} of {text} shown</source>
        <translation>显示 {shown} / {text}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="350"/>
        <source>%n pending attestation(s)</source>
        <translation>
            <numerusform>%n 个待加盖时间戳</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="352"/>
        <source>READ-ONLY</source>
        <translation>只读</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="357"/>
        <source>Working: {task}</source>
        <translation>正在处理：{task}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="442"/>
        <source>Copied %n SHA-256 hash(es).</source>
        <translation>
            <numerusform>已复制 %n 个 SHA-256 哈希值。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="463"/>
        <source>The selected items have no tags.</source>
        <translation>所选证据项没有标签。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="480"/>
        <source>Removed “{tag}” from %n item(s).</source>
        <translation>
            <numerusform>已从 %n 个证据项移除“{tag}”。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="482"/>
        <source>Tagged %n item(s) “{tag}”.</source>
        <translation>
            <numerusform>已为 %n 个证据项添加标签“{tag}”。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="489"/>
        <source>Tags not changed</source>
        <translation>标签未更改</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="538"/>
        <source>{title} — Proofshot</source>
        <translation>{title} — Proofshot</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="539"/>
        <source>(read-only)</source>
        <translation>（只读）</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="542"/>
        <source>&amp;New case…</source>
        <translation>新建案件(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="543"/>
        <source>&amp;Open case…</source>
        <translation>打开案件(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="544"/>
        <source>&amp;Close case</source>
        <translation>关闭案件(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="545"/>
        <source>&amp;Import files…</source>
        <translation>导入文件(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="546"/>
        <source>Import &amp;folder…</source>
        <translation>导入文件夹(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="547"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="548"/>
        <source>Capture &amp;full screen</source>
        <translation>截取全屏(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="549"/>
        <source>Capture a &amp;window</source>
        <translation>截取窗口(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="550"/>
        <source>Capture a &amp;region…</source>
        <translation>截取区域(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="551"/>
        <source>&amp;Tag selected…</source>
        <translation>为所选项添加标签(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="552"/>
        <source>&amp;Remove a tag…</source>
        <translation>移除标签(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="553"/>
        <source>Add &amp;note</source>
        <translation>添加备注(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="554"/>
        <source>&amp;Copy SHA-256</source>
        <translation>复制 SHA-256(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="555"/>
        <source>Select &amp;all</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="556"/>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="557"/>
        <source>&amp;Grid</source>
        <translation>网格(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="558"/>
        <source>&amp;Table</source>
        <translation>表格(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="559"/>
        <source>Custody &amp;log</source>
        <translation>保管链日志(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="560"/>
        <source>&amp;Inspector</source>
        <translation>检查器(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="561"/>
        <source>Re&amp;fresh</source>
        <translation>刷新(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="562"/>
        <source>&amp;Verify case…</source>
        <translation>校验案件(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="563"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="564"/>
        <source>&amp;Export court bundle…</source>
        <translation>导出诉讼证据包(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="565"/>
        <source>Compare with &amp;works</source>
        <translation>与原创作品比对(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="572"/>
        <source>Capture region</source>
        <translation>截取区域</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="573"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="574"/>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="575"/>
        <source>Verify</source>
        <translation>校验</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="576"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="577"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="578"/>
        <source>&amp;Capture</source>
        <translation>截图(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="579"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="580"/>
        <source>C&amp;ase</source>
        <translation>案件(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="581"/>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="582"/>
        <source>Custody log</source>
        <translation>保管链日志</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="583"/>
        <source>Capture</source>
        <translation>网页取证</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="584"/>
        <source>Compare</source>
        <translation>比对</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="585"/>
        <source>Campaigns</source>
        <translation>批量任务</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="586"/>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="587"/>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="370"/>
        <source>%n by text in the image (OCR)</source>
        <translation>
            <numerusform>%n 项按图片中的文字（OCR）找到</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="606"/>
        <source>Duties</source>
        <translation>平台义务</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../app/gui/messages.py" line="54"/>
        <source>The operation failed: {reason}.</source>
        <translation>操作失败：{reason}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/messages.py" line="58"/>
        <source>Something unexpected went wrong ({kind}). Nothing was changed by the failed step.</source>
        <translation>发生意外错误（{kind}）。失败的步骤未作任何更改。</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <location filename="../../app/gui/start_window.py" line="63"/>
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="68"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="77"/>
        <source>Case title</source>
        <translation>案件名称</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="78"/>
        <source>Create in folder</source>
        <translation>创建位置</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="79"/>
        <source>Operator</source>
        <translation>操作人员</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="84"/>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="97"/>
        <source>Folder for the new case</source>
        <translation>新案件所在文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="117"/>
        <source>The case will be the folder {path}</source>
        <translation>案件将保存为文件夹 {path}</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <location filename="../../app/gui/preview.py" line="133"/>
        <source>Zoom in (Ctrl+wheel)</source>
        <translation>放大（Ctrl+滚轮）</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="134"/>
        <source>Zoom out (Ctrl+wheel)</source>
        <translation>缩小（Ctrl+滚轮）</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="135"/>
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="136"/>
        <source>Fit the image in the pane</source>
        <translation>使图像适应窗格</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="137"/>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="138"/>
        <source>Show the preview at its actual size</source>
        <translation>按实际尺寸显示预览</translation>
    </message>
</context>
<context>
    <name>PromptSummaryModel</name>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="110"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="111"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="112"/>
        <source>Tries</source>
        <translation>尝试</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="113"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="114"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="115"/>
        <source>Outputs</source>
        <translation>生成图片</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="116"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="117"/>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="118"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../../app/gui/campaigns/panel.py" line="119"/>
        <source>Best match</source>
        <translation>最佳匹配</translation>
    </message>
</context>
<context>
    <name>RegionSelector</name>
    <message>
        <location filename="../../app/gui/screen_capture.py" line="199"/>
        <source>Drag to select the region to capture; Esc cancels.</source>
        <translation>拖动以选择要截取的区域；按 Esc 取消。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>No trust list: signatures can be Valid, never Trusted</source>
        <translation>未设置信任列表：签名只能判定为“有效”，不能判定为“受信任”</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>C2PA trust list (PEM)</source>
        <translation>C2PA 信任列表（PEM）</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>Add from file…</source>
        <translation>从文件添加…</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>Extra anchors for this case</source>
        <translation>本案件的附加信任锚</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>Content Credentials (C2PA) signed by a certificate on this list are shown as Trusted. The list is kept in your settings, not in the case, and applies to files imported from now on. The --c2pa-trust-list option overrides it.</source>
        <translation>由此列表中的证书签名的内容凭证（C2PA）显示为“受信任”。该列表保存在您的设置中，而不在案件中，并适用于此后导入的文件。命令行选项 --c2pa-trust-list 优先于此设置。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>Content Credentials</source>
        <translation>内容凭证</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>C2PA trust list</source>
        <translation>C2PA 信任列表</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>PEM certificate lists (*.pem *.crt);;All files (*)</source>
        <translation>PEM 证书列表 (*.pem *.crt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>The file cannot be read: {0}</source>
        <translation>无法读取该文件：{0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>The file is not a PEM list of certificates.</source>
        <translation>该文件不是 PEM 格式的证书列表。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/settings_dialog.py" line="1"/>
        <source>%n certificate(s) kept in your settings for this case</source>
        <translation>
            <numerusform>本案件在您的设置中保存了 %n 个证书</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="68"/>
        <source>This computer&apos;s time zone</source>
        <translation>本机时区</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="85"/>
        <source>Operator name</source>
        <translation>操作人员姓名</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="86"/>
        <source>Organisation</source>
        <translation>所属机构</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="87"/>
        <source>Show times in</source>
        <translation>时间显示时区</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="88"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="91"/>
        <source>The operator name is written into the custody log for every change you make. Times are stored in UTC; this only changes how they are shown.</source>
        <translation>您所做的每项更改都会将操作人员姓名写入保管链日志。时间以 UTC 存储；此处仅改变显示方式。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="107"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="108"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="109"/>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="110"/>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="120"/>
        <source>Credentials for the selected authority</source>
        <translation>所选机构的凭据</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="129"/>
        <source>Store in keyring</source>
        <translation>保存到密钥环</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="131"/>
        <source>Forget</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="137"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="138"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="151"/>
        <source>Trusted timestamps (RFC 3161) are requested from these authorities, in this order; the next is tried when one fails.</source>
        <translation>按此顺序向以下机构申请可信时间戳（RFC 3161）；一个失败时尝试下一个。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="164"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="165"/>
        <source>Trusted time</source>
        <translation>可信时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="174"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="202"/>
        <source>Timestamp authority</source>
        <translation>时间戳服务机构</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="203"/>
        <source>A timestamp authority is given by its http:// or https:// address.</source>
        <translation>时间戳服务机构应以 http:// 或 https:// 地址表示。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="243"/>
        <source>No keyring is available on this system, so credentials cannot be stored; nothing is ever written to a file instead. Authorities that need no account still work.</source>
        <translation>此系统没有可用的密钥环，因此无法保存凭据；也绝不会改为写入文件。无需账户的机构仍可正常使用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="247"/>
        <source>Credentials are kept only in {where}, never in the case or in the settings file.</source>
        <translation>凭据仅保存在 {where} 中，绝不保存在案件或设置文件里。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="262"/>
        <source>Credentials cannot be stored on this system.</source>
        <translation>此系统无法保存凭据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="272"/>
        <source>Stored for {url} (user {user}).</source>
        <translation>已为 {url} 保存（用户 {user}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="276"/>
        <source>A credential header is stored for {url}.</source>
        <translation>已为 {url} 保存凭据请求头。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="280"/>
        <source>No credentials stored for {url}.</source>
        <translation>尚未为 {url} 保存凭据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="288"/>
        <source>Enter both a user name and a password.</source>
        <translation>请同时输入用户名和密码。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="294"/>
        <source>Not stored.</source>
        <translation>未保存。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="297"/>
        <source>Credentials not stored</source>
        <translation>凭据未保存</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="298"/>
        <source>The credentials were not stored, and nothing was written anywhere.</source>
        <translation>凭据未保存，也未写入任何位置。</translation>
    </message>
</context>
<context>
    <name>StartWindow</name>
    <message>
        <location filename="../../app/gui/start_window.py" line="201"/>
        <source>not found (moved, renamed, or on a drive not connected)</source>
        <translation>未找到（已移动、重命名，或所在驱动器未连接）</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="249"/>
        <source>Open a case folder (…{suffix})</source>
        <translation>打开案件文件夹（…{suffix}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="263"/>
        <location filename="../../app/gui/start_window.py" line="264"/>
        <source>Proofshot</source>
        <translation>Proofshot</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="267"/>
        <source>Capture, hash, timestamp and compare AI-generated images as evidence. Open a case to continue, or create a new one.</source>
        <translation>将 AI 生成的图像作为证据进行采集、哈希、加盖时间戳并比对。请打开一个案件继续，或新建案件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="271"/>
        <source>Recent cases</source>
        <translation>最近的案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="272"/>
        <source>New case…</source>
        <translation>新建案件…</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="273"/>
        <source>Create a new case folder (Ctrl+N)</source>
        <translation>新建案件文件夹（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="274"/>
        <source>Open case…</source>
        <translation>打开案件…</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="275"/>
        <source>Open an existing case folder (Ctrl+O)</source>
        <translation>打开已有的案件文件夹（Ctrl+O）</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="276"/>
        <source>Open selected</source>
        <translation>打开所选案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="277"/>
        <source>Remove from list</source>
        <translation>从列表中移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="279"/>
        <source>Removes the entry only; the case itself is not touched.</source>
        <translation>仅移除列表条目；案件本身不受影响。</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="281"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
</context>
<context>
    <name>TagDialog</name>
    <message>
        <location filename="../../app/gui/tag_dialog.py" line="26"/>
        <source>Remove a tag</source>
        <translation>移除标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/tag_dialog.py" line="26"/>
        <source>Tag selected items</source>
        <translation>为所选证据项添加标签</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/tag_dialog.py" line="30"/>
        <source>Remove which tag from the %n selected item(s)?</source>
        <translation>
            <numerusform>要从所选的 %n 个证据项中移除哪个标签？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/tag_dialog.py" line="32"/>
        <source>Add a tag to the %n selected item(s):</source>
        <translation>
            <numerusform>为所选的 %n 个证据项添加标签：</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/tag_dialog.py" line="44"/>
        <source>Each tag change is written to the custody log.</source>
        <translation>每次标签更改都会写入保管链日志。</translation>
    </message>
</context>
<context>
    <name>Thumbnails</name>
    <message>
        <location filename="../../app/gui/icons.py" line="78"/>
        <source>Not drawn: the image is too large to decode safely ({size}).</source>
        <translation>未显示：图像过大，无法安全解码（{size}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="82"/>
        <source>Not drawn: the original file is missing from the case.</source>
        <translation>未显示：案件中缺少原始文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="86"/>
        <source>Not an image ({type}); no picture is drawn.</source>
        <translation>不是图像（{type}），不显示画面。</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="89"/>
        <source>Not drawn: the image could not be decoded ({detail}).</source>
        <translation>未显示：无法解码该图像（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="98"/>
        <source>Too large</source>
        <translation>过大</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="100"/>
        <source>Missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="101"/>
        <source>Cannot decode</source>
        <translation>无法解码</translation>
    </message>
</context>
<context>
    <name>VerifyFlow</name>
    <message>
        <location filename="../../app/gui/verify_view.py" line="166"/>
        <source>Verifying the case</source>
        <translation>正在校验案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="167"/>
        <source>Replaying the custody log…</source>
        <translation>正在重放保管链日志…</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="168"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="181"/>
        <source>Re-hashing original files: {done} of {total}</source>
        <translation>正在重新计算原始文件哈希：{done} / {total}</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="202"/>
        <source>Verification did not finish</source>
        <translation>校验未完成</translation>
    </message>
</context>
<context>
    <name>VerifyResultDialog</name>
    <message>
        <location filename="../../app/gui/verify_view.py" line="69"/>
        <source>Verification result</source>
        <translation>校验结果</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="80"/>
        <source>✔ INTACT</source>
        <translation>✔ 完好</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/verify_view.py" line="82"/>
        <source>✖ BROKEN — %n problem(s)</source>
        <translation>
            <numerusform>✖ 已损坏 — %n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="89"/>
        <source>Checked {events} custody events and {items} items; re-hashed {objects} original files (SHA-256, SHA-512, SM3).</source>
        <translation>已检查 {events} 条保管链事件和 {items} 个证据项；已重新计算 {objects} 个原始文件的哈希值（SHA-256、SHA-512、SM3）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="91"/>
        <source>Head of the custody log: {hash}</source>
        <translation>保管链日志末端哈希：{hash}</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="97"/>
        <source>Every original file matches the hashes recorded when it was acquired, and the custody log is unbroken.</source>
        <translation>每个原始文件都与获取时记录的哈希值一致，保管链日志完整无断裂。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="104"/>
        <source>The case does not match its own record. Each problem is listed below; do not rely on the items named until it is explained.</source>
        <translation>案件与其自身记录不符。各问题列于下方；在查明原因之前，请勿依赖所列证据项。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="109"/>
        <source>The case is open read-only, so this verification was not logged.</source>
        <translation>案件以只读方式打开，因此本次校验未记入日志。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="112"/>
        <source>This verification was recorded in the custody log.</source>
        <translation>本次校验已记入保管链日志。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="117"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="117"/>
        <source>Item</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="117"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="117"/>
        <source>What is wrong</source>
        <translation>问题说明</translation>
    </message>
</context>
<context>
    <name>StudyReviewPanel</name>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Enter the reviewer&apos;s name first.</source>
        <translation>请先输入评审人姓名。</translation>
    </message>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>The study&apos;s protocol is not frozen yet.</source>
        <translation>实验方案尚未固定。</translation>
    </message>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Recording a review answer</source>
        <translation>正在记录评审结论</translation>
    </message>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Reviewer</source>
        <translation>评审人</translation>
    </message>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Start blind review</source>
        <translation>开始盲评</translation>
    </message>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Output</source>
        <translation>生成图片</translation>
    </message>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Note (optional): the elements you compared</source>
        <translation>说明（可选）：比对的要素</translation>
    </message>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Similar</source>
        <translation>相似</translation>
    </message>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Not similar</source>
        <translation>不相似</translation>
    </message>
    <message>
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Unsure</source>
        <translation>无法判断</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Review complete: %n answer(s) recorded.</source>
        <translation>
            <numerusform>评审完成：已记录 %n 条结论。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>%n output(s) left after this one.</source>
        <translation>
            <numerusform>本张之后还剩 %n 张图片。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BackgroundOcr</name>
    <message>
        <location filename="../../app/gui/ocr_flow.py" line="70"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_flow.py" line="195"/>
        <source>Recognising text (OCR) {done}/{total}</source>
        <translation>正在识别文字（OCR）{done}/{total}</translation>
    </message>
</context>
<context>
    <name>OcrPanel</name>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="108"/>
        <source>Machine-recognised text (OCR, {engine} {version}); it may contain errors and is not part of the evidence. Select lines to take them as the prompt.</source>
        <translation>机器识别的文字（OCR，{engine} {version}）；可能有误，不属于证据本身。选中若干行可将其作为提示词。</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="116"/>
        <source>confidence {conf:.0f}, box {box}</source>
        <translation>置信度 {conf:.0f}，位置 {box}</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="122"/>
        <source>(no text recognised)</source>
        <translation>（未识别到文字）</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="140"/>
        <source>+ {tag}</source>
        <translation>+ {tag}</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="142"/>
        <source>Suggested from the recognised text; click to apply</source>
        <translation>根据识别出的文字建议；点击后才会添加</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="217"/>
        <source>Tag not added</source>
        <translation>未添加标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="231"/>
        <source>Prompt not saved</source>
        <translation>未保存提示词</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="237"/>
        <source>Text in the image (OCR)</source>
        <translation>图片中的文字（OCR）</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="240"/>
        <source>Prompt read from the screenshot — saved as your confirmed note “recovered by OCR”, never as a captured prompt:</source>
        <translation>从截图中读出的提示词——仅作为您确认的备注“经OCR恢复”保存，绝不作为捕获的提示词：</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="244"/>
        <source>Confirm as prompt (recovered by OCR)</source>
        <translation>确认为提示词（经OCR恢复）</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="245"/>
        <source>Mark the prompt&apos;s region on the preview</source>
        <translation>在预览图上框选提示词区域</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="247"/>
        <source>Then drag a rectangle over the prompt in the picture above</source>
        <translation>然后在上方图片中拖出一个矩形框住提示词</translation>
    </message>
    <message>
        <location filename="../../app/gui/ocr_panel.py" line="249"/>
        <source>Machine-recognised lines</source>
        <translation>机器识别的文字行</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../app/gui/crash.py" line="87"/>
        <source>Proofshot hit an unexpected error</source>
        <translation>Proofshot 遇到意外错误</translation>
    </message>
    <message>
        <location filename="../../app/gui/crash.py" line="90"/>
        <source>Something went wrong that Proofshot did not expect. Your case is safe: every change is saved as a whole or not at all, so nothing already saved was lost.

The details were written to the log file:
{path}

Please send the details (or the log file) with a few words on what you did.</source>
        <translation>发生了 Proofshot 未预料到的错误。您的案件是安全的：每项更改要么完整保存，要么完全不保存，已保存的内容不会丢失。

详细信息已写入日志文件：
{path}

请将详细信息（或日志文件）连同您当时操作的简要说明一并发送给我们。</translation>
    </message>
    <message>
        <location filename="../../app/gui/crash.py" line="106"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location filename="../../app/gui/crash.py" line="108"/>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/crash.py" line="125"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>PortalScreenshot</name>
    <message>
        <location filename="../../app/gui/screen_portal.py" line="121"/>
        <source>The desktop did not answer the screenshot request.</source>
        <translation>桌面未响应截图请求。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_portal.py" line="135"/>
        <source>There is no desktop session bus to ask for a screenshot.</source>
        <translation>没有可用于请求截图的桌面会话总线。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_portal.py" line="152"/>
        <source>The desktop refused the screenshot request: {reason}</source>
        <translation>桌面拒绝了截图请求：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_portal.py" line="165"/>
        <source>The screenshot was cancelled.</source>
        <translation>截图已取消。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_portal.py" line="168"/>
        <source>The desktop did not allow the screenshot.</source>
        <translation>桌面不允许截图。</translation>
    </message>
    <message>
        <location filename="../../app/gui/screen_portal.py" line="172"/>
        <source>The desktop&apos;s answer named no screenshot file.</source>
        <translation>桌面的答复中没有截图文件。</translation>
    </message>
</context>
<context>
    <name>DutiesView</name>
    <message>
        <location filename="../../app/gui/duties/view.py" line="147"/>
        <source>Checking the recorded facts…</source>
        <translation>正在检查已记录的事实…</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="151"/>
        <source>Duties not checked</source>
        <translation>未检查平台义务</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="173"/>
        <source>No platform in this case: nothing captured from an AI site yet.</source>
        <translation>本案件中尚无平台：还未从任何 AI 网站采集内容。</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="193"/>
        <source>Relates to: </source>
        <translation>相关规定：</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="208"/>
        <source>Operator&apos;s finding ({actor})</source>
        <translation>操作人员结论（{actor}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="220"/>
        <source>Over time</source>
        <translation>多次检查</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="230"/>
        <source>{checked} of {total} duties checked; {rounds} check round(s), {recorded} recorded; {changes} change(s) between checks.</source>
        <translation>{total} 项义务中已检查 {checked} 项；共 {rounds} 轮检查，已记录 {recorded} 轮；各轮之间有 {changes} 处变化。</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="252"/>
        <source>Check not recorded</source>
        <translation>检查未记录</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="265"/>
        <source>Finding not added</source>
        <translation>结论未添加</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="72"/>
        <source>Duty</source>
        <translation>义务</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="51"/>
        <source>Finding</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="277"/>
        <source>Observed (UTC)</source>
        <translation>观察时间（UTC）</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="278"/>
        <source>Exhibit items</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="279"/>
        <source>What the record shows</source>
        <translation>记录显示</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="282"/>
        <source>Re-check</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="283"/>
        <source>Record this check</source>
        <translation>记录本次检查</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="284"/>
        <source>Add operator&apos;s finding…</source>
        <translation>添加操作人员结论…</translation>
    </message>
</context>
<context>
    <name>OperatorFindingDialog</name>
    <message>
        <location filename="../../app/gui/duties/view.py" line="57"/>
        <source>Add the operator&apos;s finding</source>
        <translation>添加操作人员结论</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="69"/>
        <source>What you saw, in your words</source>
        <translation>用您自己的话描述所见</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="46"/>
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="72"/>
        <source>Duty</source>
        <translation>义务</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="51"/>
        <source>Finding</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="74"/>
        <source>Exhibit item id</source>
        <translation>证据项编号</translation>
    </message>
    <message>
        <location filename="../../app/gui/duties/view.py" line="75"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>_Request</name>
    <message>
        <location filename="../../app/gui/screen_portal.py" line="152"/>
        <source>The desktop refused the screenshot request: {reason}</source>
        <translation>桌面拒绝了截图请求：{reason}</translation>
    </message>
</context>
</TS>
