// A photo taken on a phone is made smaller before it leaves the phone: turned upright, drawn at
// most data-photo-long-side pixels on its long side, sent as JPEG with its capture time (the
// only EXIF the portal keeps). On a weak signal that is a fraction of the bytes. Without this
// script the form sends the photo as taken and the server makes it smaller instead.
(function () {
  var IMAGE = /^image\/(jpeg|png|webp)$/;

  function captureTime(buffer) {
    // DateTimeOriginal (or DateTime) from a JPEG's EXIF, as "YYYY:MM:DD HH:MM:SS", or null.
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset);
      var length = view.getUint16(offset + 2);
      if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) {
        return fromTiff(view, offset + 10);
      }
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null;
      offset += 2 + length;
    }
    return null;
  }

  function fromTiff(view, tiff) {
    var little = view.getUint16(tiff) === 0x4949;
    function short(at) { return view.getUint16(tiff + at, little); }
    function long(at) { return view.getUint32(tiff + at, little); }
    function text(at, count) {
      var chars = [];
      for (var i = 0; i < count - 1; i++) chars.push(String.fromCharCode(view.getUint8(tiff + at + i)));
      return chars.join("");
    }
    function find(ifd, tag) {
      var count = short(ifd);
      for (var i = 0; i < count; i++) {
        var entry = ifd + 2 + i * 12;
        if (short(entry) === tag) return entry;
      }
      return null;
    }
    try {
      var first = long(4);
      var pointer = find(first, 0x8769);
      var original = pointer !== null ? find(long(pointer + 8), 0x9003) : null;
      var entry = original !== null ? original : find(first, 0x0132);
      return entry !== null ? text(long(entry + 8), long(entry + 4)) : null;
    } catch (error) {
      return null;
    }
  }

  function exifSegment(stamp) {
    // APP1 holding a big-endian TIFF: IFD0 points to an EXIF IFD holding DateTimeOriginal.
    var bytes = new Uint8Array(4 + 6 + 64);
    var view = new DataView(bytes.buffer);
    view.setUint16(0, 0xffe1);
    view.setUint16(2, 2 + 6 + 64);
    [0x45, 0x78, 0x69, 0x66, 0, 0].forEach(function (b, i) { bytes[4 + i] = b; });
    var tiff = 10;
    view.setUint16(tiff, 0x4d4d);
    view.setUint16(tiff + 2, 42);
    view.setUint32(tiff + 4, 8);
    view.setUint16(tiff + 8, 1);
    view.setUint16(tiff + 10, 0x8769);
    view.setUint16(tiff + 12, 4);
    view.setUint32(tiff + 14, 1);
    view.setUint32(tiff + 18, 26);
    view.setUint32(tiff + 22, 0);
    view.setUint16(tiff + 26, 1);
    view.setUint16(tiff + 28, 0x9003);
    view.setUint16(tiff + 30, 2);
    view.setUint32(tiff + 32, 20);
    view.setUint32(tiff + 36, 44);
    view.setUint32(tiff + 40, 0);
    for (var i = 0; i < 19; i++) bytes[tiff + 44 + i] = stamp.charCodeAt(i);
    return bytes;
  }

  function withCaptureTime(jpeg, stamp) {
    if (!stamp || !/^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/.test(stamp)) return jpeg;
    return jpeg.arrayBuffer().then(function (buffer) {
      var whole = new Uint8Array(buffer);
      return new Blob([whole.subarray(0, 2), exifSegment(stamp), whole.subarray(2)], {
        type: "image/jpeg",
      });
    });
  }

  function smaller(file, longSide) {
    return Promise.all([
      createImageBitmap(file, { imageOrientation: "from-image" }),
      file.arrayBuffer(),
    ]).then(function (results) {
      var bitmap = results[0];
      var scale = Math.min(1, longSide / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.type === "image/jpeg") return null;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      var stamp = file.type === "image/jpeg" ? captureTime(results[1]) : null;
      return new Promise(function (resolve) {
        canvas.toBlob(resolve, "image/jpeg", 0.85);
      }).then(function (jpeg) {
        return jpeg && withCaptureTime(jpeg, stamp);
      }).then(function (jpeg) {
        if (!jpeg || jpeg.size >= file.size) return null;
        var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
        return new File([jpeg], name, { type: "image/jpeg", lastModified: file.lastModified });
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var longSide = parseInt(form.getAttribute("data-photo-long-side"), 10);
    var input = form.querySelector("input[type=file]");
    if (!longSide || !input || !input.files.length || form.dataset.photoReady) return;
    var file = input.files[0];
    if (!IMAGE.test(file.type) || !window.createImageBitmap || !window.DataTransfer) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.textContent = "正在压缩照片…";
    }
    smaller(file, longSide).then(function (replacement) {
      if (replacement) {
        var transfer = new DataTransfer();
        transfer.items.add(replacement);
        input.files = transfer.files;
      }
    }).catch(function () {
      // The photo goes as taken; the server makes it smaller.
    }).then(function () {
      form.dataset.photoReady = "yes";
      if (button) button.disabled = false;
      form.requestSubmit ? form.requestSubmit(button || undefined) : form.submit();
    });
  });
})();
